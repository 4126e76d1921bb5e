import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Key-only stub of immunization's Person: immunization resolves it, under its own access rules. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Person')
export class PersonRef {
  @Field(() => ID)
  id!: string;
}

export const personRef = (id: string): PersonRef => Object.assign(new PersonRef(), { id });

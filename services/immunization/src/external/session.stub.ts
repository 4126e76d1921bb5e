import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Key-only stub of booking's Session: the gateway fills its slots and places from booking. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Session')
export class SessionRef {
  @Field(() => ID)
  id!: string;
}

export const sessionRef = (id: string): SessionRef => Object.assign(new SessionRef(), { id });

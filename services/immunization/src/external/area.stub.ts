import { Directive, Field, ObjectType } from 'type-graphql';

/** Key-only stub of reporting's Area. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Area')
export class AreaRef {
  @Field(() => String)
  code!: string;
}

export const areaRef = (code: string): AreaRef => Object.assign(new AreaRef(), { code });

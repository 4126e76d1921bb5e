import { Directive, Field, ObjectType } from 'type-graphql';

/** Key-only stub of inventory's VaccineProduct. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('VaccineProduct')
export class VaccineProductRef {
  @Field(() => String)
  code!: string;
}

export const productRef = (code: string): VaccineProductRef => Object.assign(new VaccineProductRef(), { code });

import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Key-only stub of booking's Facility. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Facility')
export class FacilityRef {
  @Field(() => ID)
  id!: string;
}

export const facilityRef = (id: string): FacilityRef => Object.assign(new FacilityRef(), { id });

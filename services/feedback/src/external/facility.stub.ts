import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Booking's Facility, key only; feedback adds its complaint queue and satisfaction index to it. */
@Directive('@key(fields: "id")')
@ObjectType('Facility')
export class FacilityRef {
  @Field(() => ID)
  id!: string;
}

export const facilityRef = (id: string): FacilityRef => Object.assign(new FacilityRef(), { id });

import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Booking's Facility, extended here with its stock. */
@Directive('@key(fields: "id")')
@ObjectType('Facility')
export class FacilityRef {
  @Field(() => ID)
  id!: string;
}

export const facilityRef = (id: string): FacilityRef => Object.assign(new FacilityRef(), { id });

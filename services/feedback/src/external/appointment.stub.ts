import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Booking's Appointment, key only; feedback adds the visit's satisfaction survey to it. */
@Directive('@key(fields: "id")')
@ObjectType('Appointment')
export class AppointmentRef {
  @Field(() => ID)
  id!: string;
}

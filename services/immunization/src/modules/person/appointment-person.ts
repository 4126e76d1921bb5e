import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy, visiblePerson } from '../../policy.js';
import { toPerson } from './person.mapper.js';
import { Person } from './person.type.js';

/** Booking's Appointment, to which the registry adds its person (the desk opens the person from the day list). */
@Directive('@key(fields: "id")')
@ObjectType('Appointment')
export class AppointmentPerson {
  @Field(() => ID)
  id!: string;
}

@Resolver(() => AppointmentPerson)
export class AppointmentPersonResolver {
  @FieldResolver(() => Person, {
    nullable: true,
    description:
      "The registry's person of this appointment (booked by registry id, or by a registered person's NIK); null while nobody with that NIK is registered. Health workers of the facility and admins",
  })
  async person(@Root() appointment: AppointmentPerson, @Ctx() ctx: ImmunizationContext): Promise<Person | null> {
    immunizationPolicy.appointmentPerson(ctx.request.claims);
    const personId = await ctx.loaders.personByAppointment.load(appointment.id);
    return personId ? toPerson(await visiblePerson(ctx, personId), ctx.vault) : null;
  }
}

export const appointmentReference = {
  Appointment: {
    __resolveReference(ref: { id: string }): AppointmentPerson {
      return Object.assign(new AppointmentPerson(), { id: ref.id });
    },
  },
};

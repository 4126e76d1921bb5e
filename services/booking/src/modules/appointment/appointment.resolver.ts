import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, maskNik, selectsField, type Connection } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { personRef, PersonRef } from '../../external/person.stub.js';
import { toFacility } from '../facility/facility.mapper.js';
import { Facility } from '../facility/facility.type.js';
import { loadSession } from '../session/session.resolver.js';
import { toSlot } from '../session/session.rows.js';
import { Session, Slot } from '../session/session.type.js';
import { toAppointment } from './appointment.rows.js';
import {
  appointmentDoses,
  appointmentPerson,
  bookAppointment,
  cancelAppointment,
  myAppointments,
  rescheduleAppointment,
} from './appointment.service.js';
import {
  Appointment,
  AppointmentConnection,
  AppointmentDose,
  AppointmentVerificationInput,
  BookAppointmentInput,
  WalkInInput,
} from './appointment.type.js';
import { checkIn, facilityDayList, markDosesNotGiven, markNoShows, recordWalkIn } from './centre.service.js';

@Resolver(() => Appointment)
export class AppointmentResolver {
  @Mutation(() => Appointment, {
    description:
      'Books a place in a slot for a person (NIK); honours the Idempotency-Key header. Public, or as a citizen to find it again by token',
  })
  async bookAppointment(
    @Ctx() ctx: BookingContext,
    @Arg('input', () => BookAppointmentInput) input: BookAppointmentInput,
  ): Promise<Appointment> {
    return toAppointment(await bookAppointment(ctx, input));
  }

  @Mutation(() => Appointment, {
    description: 'Cancels a booked appointment and frees its place at once; honours the Idempotency-Key header',
  })
  async cancelAppointment(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('verification', () => AppointmentVerificationInput, {
      nullable: true,
      description: 'NIK and slip code, when not booked with this account',
    })
    verification?: AppointmentVerificationInput,
  ): Promise<Appointment> {
    return toAppointment(await cancelAppointment(ctx, id, verification ?? undefined));
  }

  @Mutation(() => Appointment, { description: 'Moves a booked appointment to another slot atomically; honours the Idempotency-Key header' })
  async rescheduleAppointment(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('slotId', () => ID) slotId: string,
    @Arg('verification', () => AppointmentVerificationInput, { nullable: true }) verification?: AppointmentVerificationInput,
  ): Promise<Appointment> {
    return toAppointment(await rescheduleAppointment(ctx, id, slotId, verification ?? undefined));
  }

  @Query(() => AppointmentConnection, {
    description:
      'The caller’s appointments, newest session first, cursor-paginated: as a citizen by token (what this account booked), or by NIK, birth date and slip code',
  })
  async myAppointments(
    @Ctx() ctx: BookingContext,
    @Arg('nik', () => String, { nullable: true }) nik?: string,
    @Arg('birthDate', () => DateScalar, { nullable: true }) birthDate?: string,
    @Arg('slipCode', () => String, { nullable: true }) slipCode?: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100' }) first = 20,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<Connection<Appointment>> {
    return myAppointments(
      ctx,
      {
        nik: nik ?? undefined,
        birthDate: birthDate ?? undefined,
        slipCode: slipCode ?? undefined,
        first,
        after,
        count: info ? selectsField(info, 'totalCount') : true,
      },
      toAppointment,
    );
  }

  @Query(() => [Appointment], {
    description: 'A facility’s appointments of one day in slot and queue order; its health workers and admins',
  })
  async facilityDayList(
    @Ctx() ctx: BookingContext,
    @Arg('facilityId', () => ID) facilityId: string,
    @Arg('date', () => DateScalar, { description: 'YYYY-MM-DD' }) date: string,
  ): Promise<Appointment[]> {
    return (await facilityDayList(ctx, facilityId, date)).map(toAppointment);
  }

  @Mutation(() => Appointment, { description: 'Checks in the person holding the slip, on the session day; health workers of the facility' })
  async checkIn(
    @Ctx() ctx: BookingContext,
    @Arg('appointmentId', () => ID) appointmentId: string,
    @Arg('slipCode', () => String) slipCode: string,
  ): Promise<Appointment> {
    return toAppointment(await checkIn(ctx, appointmentId, slipCode));
  }

  @Mutation(() => Appointment, { description: 'Records a walk-in at today’s session (checked in at once); health workers of the facility' })
  async recordWalkIn(@Ctx() ctx: BookingContext, @Arg('input', () => WalkInInput) input: WalkInInput): Promise<Appointment> {
    return toAppointment(await recordWalkIn(ctx, input));
  }

  @Mutation(() => [Appointment], { description: 'After the session ends, marks every appointment still booked as a no-show; returns them' })
  async markNoShows(@Ctx() ctx: BookingContext, @Arg('sessionId', () => ID) sessionId: string): Promise<Appointment[]> {
    return (await markNoShows(ctx, sessionId)).map(toAppointment);
  }

  @Mutation(() => Appointment, {
    description:
      'At the visit (checked in), marks antigens of a several-vaccine appointment that will not be given today; their stock is released, and the visit completes when nothing is left to give. Health workers of the facility',
  })
  async markDosesNotGiven(
    @Ctx() ctx: BookingContext,
    @Arg('appointmentId', () => ID) appointmentId: string,
    @Arg('slipCode', () => String) slipCode: string,
    @Arg('doseKinds', () => [String]) doseKinds: string[],
  ): Promise<Appointment> {
    return toAppointment(await markDosesNotGiven(ctx, appointmentId, slipCode, doseKinds));
  }

  @FieldResolver(() => [AppointmentDose])
  async doses(@Ctx() ctx: BookingContext, @Root() a: Appointment): Promise<AppointmentDose[]> {
    return (await appointmentDoses(ctx, a)).map((d) => Object.assign(new AppointmentDose(), d));
  }

  @FieldResolver(() => Session)
  async session(@Ctx() ctx: BookingContext, @Root() a: Appointment): Promise<Session> {
    return loadSession(ctx, a.sessionId);
  }

  @FieldResolver(() => Slot)
  async slot(@Ctx() ctx: BookingContext, @Root() a: Appointment): Promise<Slot> {
    const [slot, session] = await Promise.all([ctx.loaders.slot.load(a.slotId), loadSession(ctx, a.sessionId)]);
    return toSlot(slot!, session);
  }

  @FieldResolver(() => Facility)
  async facility(@Ctx() ctx: BookingContext, @Root() a: Appointment): Promise<Facility> {
    return toFacility((await ctx.loaders.facility.load(a.facilityId))!);
  }

  @FieldResolver(() => PersonRef, {
    nullable: true,
    description:
      'The person in the registry (immunization), for those allowed to see them: the person, their guardians, health workers of a linked facility, admins. Null while the person is not registered, and for anonymous callers and partners',
  })
  async person(@Ctx() ctx: BookingContext, @Root() a: Appointment): Promise<PersonRef | null> {
    const id = await appointmentPerson(ctx, a.identityKey);
    return id ? personRef(id) : null;
  }

  @FieldResolver(() => String)
  fullName(@Ctx() ctx: BookingContext, @Root() a: Appointment): string {
    return ctx.vault.decrypt(a.nameEnc);
  }

  @FieldResolver(() => String)
  maskedNik(@Ctx() ctx: BookingContext, @Root() a: Appointment): string {
    return maskNik(ctx.vault.decrypt(a.nikEnc));
  }
}

import { randomUUID } from 'node:crypto';
import {
  AppError,
  AppointmentBooked,
  AppointmentCheckedIn,
  AppointmentNoShow,
  badInput,
  conflict,
  ErrorCode,
  notFound,
  publish,
  publishMany,
  isUuid,
} from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { bookingPolicy } from '../../policy.js';
import { transaction, violates } from '../../db.js';
import { isDate, localNow, minutesOf } from '../../time.js';
import { checkEligibility } from '../eligibility/eligibility.js';
import type { SlotRow } from '../session/session.rows.js';
import { findSession } from '../session/session.store.js';
import { appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import { findAppointment } from './appointment.store.js';
import type { WalkInInput } from './appointment.type.js';
import * as store from './centre.store.js';
import { newSlipCode, normaliseSlipCode, validatePerson } from './person.validation.js';
import { finishVisit } from './visit-doses.js';
import { markNotGiven, releaseVisitDoses, visitDoses } from './visit-doses.store.js';

/** The vaccination centre's desk: health workers of the facility (and admins) on the session day. */

const onSessionDay = (): AppError =>
  conflict({ id: 'Hanya dapat dilakukan pada hari sesi', en: 'This can only be done on the day of the session' }, { field: 'sessionDate' });

/**
 * The appointment a health worker at the desk acts on: the row, the policy again with its facility (the
 * caller made the 'before' decision, its first statement), and the slip code of the person in front of them.
 */
async function deskAppointment(ctx: BookingContext, appointmentId: string, slipCode: string): Promise<AppointmentRow> {
  const current = await findAppointment(ctx.em, appointmentId);
  bookingPolicy.facilityWork(ctx.request.claims, current, 'Janji temu', 'appointmentId');
  if (!current) throw notFound('Janji temu', 'appointmentId');
  if (normaliseSlipCode(slipCode) !== current.slip_code) {
    throw badInput('slipCode', { id: 'Kode slip tidak cocok', en: 'The slip code does not match' });
  }
  return current;
}

/** Health workers of the appointment's facility (and admins) check in the person holding the slip, on the day. */
export async function checkIn(ctx: BookingContext, appointmentId: string, slipCode: string): Promise<AppointmentRow> {
  bookingPolicy.facilityWork(ctx.request.claims, 'before', 'Janji temu', 'appointmentId');
  const current = await deskAppointment(ctx, appointmentId, slipCode);
  if (current.status !== 'BOOKED') {
    throw conflict(
      { id: `Janji temu berstatus ${current.status}`, en: `The appointment is ${current.status}` },
      { field: 'appointmentId', status: current.status },
    );
  }
  if (current.session_date !== localNow().date) throw onSessionDay();
  const row = await transaction(ctx.em, async (tx) => {
    const updated = await store.checkInBooked(tx, appointmentId);
    if (!updated) throw conflict({ id: 'Janji temu baru saja diubah', en: 'The appointment was just changed' }, { field: 'appointmentId' });
    await publish(tx, 'booking', AppointmentCheckedIn, appointmentId, appointmentPayload(updated));
    return updated;
  });
  ctx.events.relay.nudge();
  return row;
}

/** The slot a walk-in joins: the one running now, else the next, else the last. */
function walkInSlot(slots: SlotRow[], minutes: number): SlotRow | undefined {
  return (
    slots.find((s) => minutesOf(s.start_time) <= minutes && minutes < minutesOf(s.end_time)) ??
    slots.find((s) => minutes < minutesOf(s.start_time)) ??
    slots.at(-1)
  );
}

/**
 * A person who comes without booking, on the session day: checked in at once with a queue number and a
 * slip code. Walk-ins take no bookable slot place but do take a unit of the facility's usable stock.
 */
export async function recordWalkIn(ctx: BookingContext, input: WalkInInput): Promise<AppointmentRow> {
  bookingPolicy.facilityWork(ctx.request.claims, 'before', 'Sesi', 'sessionId');
  const session = await findSession(ctx.em, input.sessionId);
  bookingPolicy.facilityWork(ctx.request.claims, session, 'Sesi', 'sessionId');
  if (!session) throw notFound('Sesi', 'sessionId');
  const now = localNow();
  if (session.date !== now.date) throw onSessionDay();
  const person = validatePerson(input, ctx.vault, now.date, false);
  const doseKind = input.doseKind.trim();
  if (!session.dose_kinds.includes(doseKind)) {
    throw badInput('doseKind', { id: `Sesi ini tidak melayani dosis ${doseKind}`, en: `This session does not serve dose ${doseKind}` });
  }
  const facts = await store.walkInFacts(ctx.em, { nikHash: person.nikHash, sessionId: session.id });
  const answer = checkEligibility({
    programme: session.programme,
    productCode: session.product_code,
    doseKind,
    sessionDate: session.date,
    birthDate: person.birthDate,
    sex: person.sex,
    history: facts.doses,
    grade: session.school_grade,
  });
  if (!answer.ok) {
    throw new AppError(ErrorCode.NOT_ELIGIBLE, answer.message, {
      field: answer.field,
      rule: answer.rule,
      antigen: answer.antigen,
      doseKind,
      ...(answer.earliestDate ? { earliestDate: answer.earliestDate } : {}),
    });
  }
  const slot = walkInSlot(facts.slots, now.minutes);
  if (!slot) throw conflict({ id: 'Sesi ini tidak memiliki slot', en: 'This session has no slots' }, { field: 'sessionId' });
  const id = randomUUID();
  try {
    const row = await transaction(ctx.em, async (tx) => {
      const appointment = await store.insertWalkIn(tx, {
        id,
        session: {
          id: session.id,
          facilityId: session.facility_id,
          programme: session.programme,
          productCode: session.product_code,
          date: session.date,
        },
        slotId: slot.id,
        doseKind,
        slipCode: newSlipCode(),
        person,
      });
      if (!appointment) {
        throw new AppError(
          ErrorCode.INSUFFICIENT_STOCK,
          { id: 'Stok vaksin yang dapat dipakai sudah habis', en: 'No usable vaccine stock is left for this session' },
          { field: 'sessionId' },
        );
      }
      await publish(tx, 'booking', AppointmentBooked, id, appointmentPayload(appointment));
      await publish(tx, 'booking', AppointmentCheckedIn, id, appointmentPayload(appointment));
      return appointment;
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (violates(error, ['appointment_one_live_per_dose'])) {
      throw new AppError(
        ErrorCode.DUPLICATE,
        {
          id: `Orang ini sudah memiliki janji temu aktif untuk dosis ${doseKind}; lakukan check-in`,
          en: `This person already holds a live appointment for dose ${doseKind}; check them in instead`,
        },
        { field: 'nik' },
      );
    }
    throw error;
  }
}

/** After the session has ended: every appointment still BOOKED becomes NO_SHOW and frees its stock promise. */
export async function markNoShows(ctx: BookingContext, sessionId: string): Promise<AppointmentRow[]> {
  bookingPolicy.facilityWork(ctx.request.claims, 'before', 'Sesi', 'sessionId');
  const session = await findSession(ctx.em, sessionId);
  bookingPolicy.facilityWork(ctx.request.claims, session, 'Sesi', 'sessionId');
  if (!session) throw notFound('Sesi', 'sessionId');
  const now = localNow();
  if (session.date > now.date || (session.date === now.date && now.minutes < minutesOf(session.end_time))) {
    throw conflict(
      {
        id: `Tidak hadir hanya dapat dicatat setelah sesi berakhir (${session.date} ${session.end_time})`,
        en: `No-shows can only be marked after the session ends (${session.date} ${session.end_time})`,
      },
      { field: 'sessionId' },
    );
  }
  const rows = await transaction(ctx.em, async (tx) => {
    const result = await store.markSessionNoShows(tx, sessionId);
    await releaseVisitDoses(
      tx,
      result.map((r) => r.id),
      'NO_SHOW',
    );
    await publishMany(
      tx,
      'booking',
      AppointmentNoShow,
      result.map((r) => ({ aggregateId: r.id, payload: appointmentPayload(r) })),
    );
    return result;
  });
  ctx.events.relay.nudge();
  return rows;
}

/** The day's list of one facility, in slot and queue order; health workers of that facility and admins. */
export async function facilityDayList(ctx: BookingContext, facilityId: string, date: string): Promise<AppointmentRow[]> {
  bookingPolicy.facilityWork(ctx.request.claims, { facility_id: facilityId }, 'Fasilitas', 'facilityId');
  if (!isUuid(facilityId)) throw notFound('Fasilitas', 'facilityId');
  if (!isDate(date)) throw badInput('date', { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  return store.dayList(ctx.em, { facilityId, date });
}

/**
 * At the visit, the health worker marks the antigens that will not be given today (a contraindication, the
 * parent declines): their stock is released at once, and the visit completes when nothing is left to give.
 */
export async function markDosesNotGiven(
  ctx: BookingContext,
  appointmentId: string,
  slipCode: string,
  doseKinds: string[],
): Promise<AppointmentRow> {
  bookingPolicy.facilityWork(ctx.request.claims, 'before', 'Janji temu', 'appointmentId');
  const current = await deskAppointment(ctx, appointmentId, slipCode);
  if (current.status !== 'CHECKED_IN') {
    throw conflict(
      { id: 'Hanya untuk janji temu yang sudah check-in', en: 'Only for an appointment that is checked in' },
      { field: 'appointmentId', status: current.status },
    );
  }
  const doses = await visitDoses(ctx.em, [appointmentId]);
  const booked = doses.filter((d) => d.status === 'BOOKED').map((d) => d.dose_kind);
  const unknown = doseKinds.find((k) => !booked.includes(k));
  if (doses.length === 0 || unknown !== undefined) {
    throw badInput('doseKinds', {
      id: `Dosis ${unknown ?? doseKinds.join(', ')} tidak menunggu diberikan pada kunjungan ini`,
      en: `Dose ${unknown ?? doseKinds.join(', ')} is not waiting to be given at this visit`,
    });
  }
  const row = await transaction(ctx.em, async (tx) => {
    await markNotGiven(tx, { appointmentId, doseKinds, facilityId: current.facility_id });
    return (await finishVisit(tx, appointmentId, new Date().toISOString(), null)) ?? current;
  });
  ctx.events.relay.nudge();
  return (await findAppointment(ctx.em, row.id)) ?? row;
}

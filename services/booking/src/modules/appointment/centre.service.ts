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
} from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { bookingPolicy } from '../../policy.js';
import { transaction, violates } from '../../db.js';
import { isDate, localNow, minutesOf } from '../../time.js';
import { checkEligibility, type DoseFact } from '../eligibility/eligibility.js';
import { isUuid } from '../facility/facility.loader.js';
import { SESSION_SELECT, type SessionRow, type SlotRow } from '../session/session.rows.js';
import { APPOINTMENT_COLUMNS, appointmentColumns, appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import type { WalkInInput } from './appointment.type.js';
import { newSlipCode, validatePerson } from './person.validation.js';
import { deskAppointment, HOLDS_PER_DOSE, releaseVisitDoses } from './visit-doses.js';

const onSessionDay = (): AppError =>
  conflict({ id: 'Hanya dapat dilakukan pada hari sesi', en: 'This can only be done on the day of the session' }, { field: 'sessionDate' });

/** Health workers of the appointment's facility (and admins) check in the person holding the slip, on the day. */
export async function checkIn(ctx: BookingContext, appointmentId: string, slipCode: string): Promise<AppointmentRow> {
  const current = await deskAppointment(ctx, appointmentId, slipCode);
  if (current.status !== 'BOOKED') {
    throw conflict(
      { id: `Janji temu berstatus ${current.status}`, en: `The appointment is ${current.status}` },
      { field: 'appointmentId', status: current.status },
    );
  }
  if (current.session_date !== localNow().date) throw onSessionDay();
  const row = await transaction(ctx.em, async (tx) => {
    const [updated] = await tx.execute<AppointmentRow[]>(
      `update appointment set status = 'CHECKED_IN', checked_in_at = now() where id = ? and status = 'BOOKED' returning ${APPOINTMENT_COLUMNS}`,
      [appointmentId],
    );
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
  const claims = ctx.request.claims;
  bookingPolicy.facilityWork(claims, 'before', 'Sesi', 'sessionId');
  const [session] = isUuid(input.sessionId)
    ? await ctx.em.execute<SessionRow[]>(`${SESSION_SELECT} where s.id = ?`, [input.sessionId])
    : [];
  bookingPolicy.facilityWork(claims, session, 'Sesi', 'sessionId');
  if (!session) throw notFound('Sesi', 'sessionId');
  const now = localNow();
  if (session.date !== now.date) throw onSessionDay();
  const person = validatePerson(input, ctx.vault, now.date, false);
  const doseKind = input.doseKind.trim();
  if (!session.dose_kinds.includes(doseKind)) {
    throw badInput('doseKind', { id: `Sesi ini tidak melayani dosis ${doseKind}`, en: `This session does not serve dose ${doseKind}` });
  }
  const [facts] = await ctx.em.execute<{ doses: DoseFact[]; slots: SlotRow[] }[]>(
    `select (select coalesce(json_agg(json_build_object('programme', d.programme, 'doseKind', d.dose_kind, 'date', d.administered_on, 'valid', d.valid)), '[]'::json)
               from dose_history d where d.nik_hash = ?) as doses,
            (select coalesce(json_agg(sl order by sl.start_time), '[]'::json) from slot sl where sl.session_id = ?) as slots`,
    [person.nikHash, session.id],
  );
  const answer = checkEligibility({
    programme: session.programme,
    productCode: session.product_code,
    doseKind,
    sessionDate: session.date,
    birthDate: person.birthDate,
    sex: person.sex,
    history: facts!.doses,
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
  const slot = walkInSlot(facts!.slots, now.minutes);
  if (!slot) throw conflict({ id: 'Sesi ini tidak memiliki slot', en: 'This session has no slots' }, { field: 'sessionId' });
  const id = randomUUID();
  try {
    const row = await transaction(ctx.em, async (tx) => {
      const [result] = await tx.execute<{ stock_ok: number; appointment: AppointmentRow | null }[]>(
        `with session_take as (
           update session set next_queue = next_queue + 1 where id = ? returning next_queue
         ), stock_take as (
           update stock_commitment c set committed = c.committed + 1
            where c.facility_id = ? and c.product_code = ? and exists (select 1 from session_take)
              and c.committed < coalesce((select l.usable_doses from stock_level l where l.facility_id = c.facility_id and l.product_code = c.product_code), 0)
           returning 1
         ), appt as (
           insert into appointment (id, session_id, slot_id, facility_id, programme, product_code, dose_kind, session_date, queue_number, slip_code,
                                    status, walk_in, nik_hash, nik_enc, name_enc, birth_date, sex, phone_hash, residence_kelurahan_code, checked_in_at)
           select ?, ?, ?, ?, ?, ?, ?, ?::date, (select next_queue from session_take), ?, 'CHECKED_IN', true, ?, ?, ?, ?::date, ?, ?, ?, now()
            where exists (select 1 from stock_take)
           returning *
         )
         select (select count(*) from stock_take)::int as stock_ok, (select to_jsonb(appt) from appt) as appointment`,
        [
          session.id,
          session.facility_id,
          session.product_code,
          id,
          session.id,
          slot.id,
          session.facility_id,
          session.programme,
          session.product_code,
          doseKind,
          session.date,
          newSlipCode(),
          person.nikHash,
          person.nikEnc,
          person.nameEnc,
          person.birthDate,
          person.sex,
          person.phoneHash,
          person.residenceKelurahanCode,
        ],
      );
      if (!result?.appointment) {
        throw new AppError(
          ErrorCode.INSUFFICIENT_STOCK,
          { id: 'Stok vaksin yang dapat dipakai sudah habis', en: 'No usable vaccine stock is left for this session' },
          { field: 'sessionId' },
        );
      }
      await publish(tx, 'booking', AppointmentBooked, id, appointmentPayload(result.appointment));
      await publish(tx, 'booking', AppointmentCheckedIn, id, appointmentPayload(result.appointment));
      return result.appointment;
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
  const claims = ctx.request.claims;
  bookingPolicy.facilityWork(claims, 'before', 'Sesi', 'sessionId');
  const [session] = isUuid(sessionId) ? await ctx.em.execute<SessionRow[]>(`${SESSION_SELECT} where s.id = ?`, [sessionId]) : [];
  bookingPolicy.facilityWork(claims, session, 'Sesi', 'sessionId');
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
    const result = await tx.execute<AppointmentRow[]>(
      `with ns as (
         update appointment set status = 'NO_SHOW' where session_id = ? and status = 'BOOKED' returning *
       ), phone_free as (
         update phone_quota q set live = q.live - x.n
           from (select phone_hash, count(*)::int as n from ns where phone_hash is not null group by phone_hash) x
          where q.phone_hash = x.phone_hash returning 1
       ), stock_free as (
         update stock_commitment c set committed = c.committed - x.n
           from (select facility_id, product_code, count(*)::int as n from ns where not ${HOLDS_PER_DOSE('ns.id')} group by facility_id, product_code) x
          where c.facility_id = x.facility_id and c.product_code = x.product_code returning 1
       )
       select ${appointmentColumns('ns')}
         from ns order by queue_number`,
      [sessionId],
    );
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
  const claims = ctx.request.claims;
  bookingPolicy.facilityWork(claims, { facility_id: facilityId }, 'Fasilitas', 'facilityId');
  if (!isUuid(facilityId)) throw notFound('Fasilitas', 'facilityId');
  if (!isDate(date)) throw badInput('date', { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  return ctx.em.execute<AppointmentRow[]>(
    `select ${appointmentColumns('a')}
       from appointment a join slot sl on sl.id = a.slot_id
      where a.facility_id = ? and a.session_date = ?::date and a.status <> 'CANCELLED'
      order by sl.start_time, a.queue_number`,
    [facilityId, date],
  );
}

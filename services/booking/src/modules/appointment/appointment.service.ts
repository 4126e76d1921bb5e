import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentRescheduled,
  badInput,
  conflict,
  ErrorCode,
  notFound,
  publish,
  type Claims,
} from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { pgError, transaction } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import { localNow, minutesOf } from '../../time.js';
import { checkEligibility, type DoseFact } from '../eligibility/eligibility.js';
import { isUuid } from '../facility/facility.loader.js';
import { APPOINTMENT_COLUMNS, appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import type { AppointmentVerificationInput, BookAppointmentInput } from './appointment.type.js';
import {
  findStored,
  idempotentRequest,
  replay,
  STORE_RESULT,
  storeParams,
  type IdempotentRequest,
  type StoredResult,
} from './idempotency.js';
import { bookedPerson } from './dependant.js';
import { newSlipCode, normaliseSlipCode, type PersonFacts } from './person.validation.js';
import { rateLimited } from './rate-limit.js';
import { HOLDS_PER_DOSE, offeredProduct, planVisit, releaseVisitDoses, takeVisitDoses, visitDoses } from './visit-doses.js';

/** Everything a booking decision needs, read in one statement before the (short) write transaction. */
export interface SlotContext {
  slot_id: string | null;
  slot_start: string;
  slot_capacity: number;
  slot_booked: number;
  session_id: string;
  facility_id: string;
  date: string;
  programme: string;
  product_code: string;
  dose_kinds: string[];
  status: string;
  school_grade: number | null;
  stock_free: number;
  doses: DoseFact[];
  phone_live: number | null;
  has_live: boolean;
  idem: StoredResult | null;
}

/** Everything a booking decision reads, in one statement (exported for the benchmark's PostgreSQL ceiling). */
export const SLOT_CONTEXT = `
  select sl.id as slot_id, sl.start_time as slot_start, sl.capacity as slot_capacity, sl.booked as slot_booked,
         s.id as session_id, s.facility_id, s.date::text as date, s.programme, s.product_code, s.dose_kinds, s.status, s.school_grade,
         greatest(0, coalesce(l.usable_doses, 0) - coalesce(c.committed, 0))::int as stock_free,
         (select coalesce(json_agg(json_build_object('programme', d.programme, 'doseKind', d.dose_kind, 'date', d.administered_on, 'valid', d.valid)), '[]'::json)
            from dose_history d where d.nik_hash = ?) as doses,
         (select q.live from phone_quota q where q.phone_hash = ?) as phone_live,
         (exists (select 1 from appointment a where a.nik_hash = ? and a.programme = s.programme and a.dose_kind = ?
                   and a.status in ('BOOKED', 'CHECKED_IN') and a.id is distinct from ?::uuid)
          or exists (select 1 from appointment_dose vd where vd.nik_hash = ? and vd.programme = s.programme and vd.dose_kind = ?
                   and vd.status = 'BOOKED' and vd.appointment_id is distinct from ?::uuid)) as has_live,
         (select json_build_object('hash', k.request_hash, 'result', k.result) from idempotency_key k where k.operation = ? and k.key = ?) as idem
    from (select 1) as one
    left join slot sl on sl.id = ?::uuid
    left join session s on s.id = sl.session_id
    left join stock_level l on l.facility_id = s.facility_id and l.product_code = s.product_code
    left join stock_commitment c on c.facility_id = s.facility_id and c.product_code = s.product_code`;

export function slotContextParams(
  slotId: string,
  person: { nikHash: string; phoneHash: string | null; doseKind: string; excludeAppointment?: string },
  req: Pick<IdempotentRequest, 'operation' | 'key'>,
): unknown[] {
  return [
    person.nikHash,
    person.phoneHash,
    person.nikHash,
    person.doseKind,
    person.excludeAppointment ?? null,
    person.nikHash,
    person.doseKind,
    person.excludeAppointment ?? null,
    req.operation,
    req.key,
    isUuid(slotId) ? slotId : null,
  ];
}

async function slotContext(
  em: EntityManager,
  slotId: string,
  person: { nikHash: string; phoneHash: string | null; doseKind: string; excludeAppointment?: string },
  req: IdempotentRequest,
): Promise<SlotContext> {
  const [row] = await em.execute<SlotContext[]>(SLOT_CONTEXT, slotContextParams(slotId, person, req));
  return row!;
}

export const sessionFull = (reason: 'CAPACITY' | 'STOCK'): AppError =>
  new AppError(
    ErrorCode.SESSION_FULL,
    reason === 'CAPACITY'
      ? { id: 'Slot ini sudah penuh; silakan pilih slot atau sesi lain', en: 'This slot is full; please choose another slot or session' }
      : { id: 'Stok vaksin untuk sesi ini sudah habis dipesan', en: 'All usable vaccine stock for this session is already booked' },
    { field: 'slotId', reason },
  );

const duplicate = (doseKind: string): AppError =>
  new AppError(
    ErrorCode.DUPLICATE,
    {
      id: `Orang ini sudah memiliki janji temu aktif untuk dosis ${doseKind}`,
      en: `This person already holds a live appointment for dose ${doseKind}`,
    },
    { field: 'nik' },
  );

const phoneLimit = (max: number): AppError =>
  conflict(
    {
      id: `Nomor HP ini sudah dipakai untuk ${max} janji temu aktif (batas keluarga)`,
      en: `This phone number already holds ${max} live appointments (family limit)`,
    },
    { field: 'phone', limit: max },
  );

const sessionClosed = (): AppError =>
  conflict({ id: 'Sesi ini sudah ditutup untuk pendaftaran', en: 'This session is closed for booking' }, { field: 'slotId' });

/** Slot open, not past, not past the same-day cut-off, dose kind served, person eligible. */
function assertBookable(ctx: BookingContext, s: SlotContext, doseKind: string, birthDate: string, sex: string): void {
  if (!s.slot_id) throw notFound('Slot', 'slotId');
  if (s.status !== 'OPEN') throw sessionClosed();
  const now = localNow();
  if (s.date < now.date) throw conflict({ id: 'Sesi ini sudah lewat', en: 'This session is in the past' }, { field: 'slotId' });
  if (s.date === now.date && (now.minutes >= minutesOf(ctx.config.sameDayCutoff) || now.minutes >= minutesOf(s.slot_start))) {
    throw conflict(
      {
        id: `Pendaftaran untuk hari ini ditutup pukul ${ctx.config.sameDayCutoff} WIB atau saat slot dimulai`,
        en: `Same-day booking closes at ${ctx.config.sameDayCutoff} WIB or when the slot starts`,
      },
      { field: 'slotId', cutoff: ctx.config.sameDayCutoff },
    );
  }
  if (!s.dose_kinds.includes(doseKind)) {
    throw badInput(
      'doseKind',
      { id: `Sesi ini tidak melayani dosis ${doseKind}`, en: `This session does not serve dose ${doseKind}` },
      { served: s.dose_kinds },
    );
  }
  const answer = checkEligibility({
    programme: s.programme,
    productCode: s.product_code,
    doseKind,
    sessionDate: s.date,
    birthDate,
    sex,
    history: s.doses,
    grade: s.school_grade,
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
}

/** Maps a failed write to the business error, or replays when a racing retry with the same key won. */
async function explainFailure(em: EntityManager, error: unknown, req: IdempotentRequest, doseKind: string): Promise<AppointmentRow> {
  const { code, constraint } = pgError(error);
  if (code === '23505' && constraint === 'idempotency_key_pkey') {
    const replayed = replay(req, await findStored(em, req));
    if (replayed) return replayed;
  }
  if (code === '23505' && (constraint === 'appointment_one_live_per_dose' || constraint === 'appointment_dose_one_live')) {
    // The same person racing themselves: if the winner carried this key, answer with its result.
    const replayed = replay(req, await findStored(em, req));
    if (replayed) return replayed;
    throw duplicate(doseKind);
  }
  throw error;
}

/**
 * The one atomic statement that decides a booking: a slot place, the queue number, a unit of stock, a
 * phone-quota unit and the appointment, each step only if the one before succeeded (conditional
 * updates re-checked against the latest row version under its lock, so concurrency can never overbook).
 */
export const BOOK_STATEMENT = `with slot_take as (
           update slot set booked = booked + 1 where id = ? and session_id = ? and booked < capacity returning id
         ), session_take as (
           update session set booked = booked + 1, next_queue = next_queue + 1
            where id = ? and status = 'OPEN' and product_code = ? and date = ?::date and exists (select 1 from slot_take)
           returning next_queue
         ), stock_take as (
           update stock_commitment c set committed = c.committed + 1
            where c.facility_id = ? and c.product_code = ? and exists (select 1 from session_take)
              and c.committed < coalesce((select l.usable_doses from stock_level l where l.facility_id = c.facility_id and l.product_code = c.product_code), 0)
           returning 1
         ), phone_take as (
           insert into phone_quota as q (phone_hash, live) select ?, 1 where exists (select 1 from stock_take)
           on conflict (phone_hash) do update set live = q.live + 1 where q.live < ?
           returning 1
         ), appt as (
           insert into appointment (id, session_id, slot_id, facility_id, programme, product_code, dose_kind, session_date, queue_number, slip_code,
                                    status, walk_in, nik_hash, nik_enc, name_enc, birth_date, sex, phone_hash, residence_kelurahan_code, booked_by)
           select ?, ?, ?, ?, ?, ?, ?, ?::date, (select next_queue from session_take), ?, 'BOOKED', false, ?, ?, ?, ?::date, ?, ?, ?, ?
            where exists (select 1 from phone_take)
           returning *
         ), stored as (${STORE_RESULT('appt')})
         select (select count(*) from slot_take)::int as slot_ok, (select count(*) from session_take)::int as session_ok,
                (select count(*) from stock_take)::int as stock_ok, (select count(*) from phone_take)::int as phone_ok,
                (select to_jsonb(appt) from appt) as appointment`;

export interface BookStatementArgs {
  s: Pick<SlotContext, 'slot_id' | 'session_id' | 'product_code' | 'date' | 'facility_id' | 'programme'>;
  person: PersonFacts;
  doseKind: string;
  /** The product of the dose that carries the place (default: the session's main product). */
  productCode?: string;
  id: string;
  slipCode: string;
  maxPerPhone: number;
  bookedBy: string | null;
  req: IdempotentRequest;
}

export function bookStatementParams(a: BookStatementArgs): unknown[] {
  return [
    a.s.slot_id,
    a.s.session_id,
    a.s.session_id,
    a.s.product_code,
    a.s.date,
    a.s.facility_id,
    a.productCode ?? a.s.product_code,
    a.person.phoneHash,
    a.maxPerPhone,
    a.id,
    a.s.session_id,
    a.s.slot_id,
    a.s.facility_id,
    a.s.programme,
    a.productCode ?? a.s.product_code,
    a.doseKind,
    a.s.date,
    a.slipCode,
    a.person.nikHash,
    a.person.nikEnc,
    a.person.nameEnc,
    a.person.birthDate,
    a.person.sex,
    a.person.phoneHash,
    a.person.residenceKelurahanCode,
    a.bookedBy,
    ...storeParams(a.req),
  ];
}

export async function bookAppointment(ctx: BookingContext, input: BookAppointmentInput): Promise<AppointmentRow> {
  bookingPolicy.book(ctx.request.claims);
  const req = idempotentRequest(ctx.request, 'bookAppointment', input);
  return ctx.limits.sameKey.run(req, () => decideBooking(ctx, input, req));
}

async function decideBooking(ctx: BookingContext, input: BookAppointmentInput, req: IdempotentRequest): Promise<AppointmentRow> {
  const claims = ctx.request.claims;
  // A retry of a booking that was already made gets its result before any limit counts it.
  if (req.key) {
    const replayed = replay(req, await findStored(ctx.em, req));
    if (replayed) return replayed;
  }
  const today = localNow().date;
  // Per-client limits next: refusing an abusive client costs no database work.
  const address = String(ctx.request.headers['x-forwarded-for'] ?? ctx.request.ip);
  const ipWait = ctx.limits.perIp.take(address);
  if (ipWait) throw rateLimited('client', ipWait);
  const person = await bookedPerson(ctx, input, today);
  const nikWait = ctx.limits.perNik.take(person.nikHash);
  if (nikWait) throw rateLimited('nik', nikWait);
  let doseKind = input.doseKind.trim();
  if (!doseKind) throw badInput('doseKind', { id: 'Jenis dosis wajib diisi', en: 'Dose kind is required' });
  let more = (input.moreDoseKinds ?? []).map((k) => k.trim());

  let s = await slotContext(ctx.em, input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind }, req);
  const replayed = replay(req, s.idem);
  if (replayed) return replayed;
  // One visit, several vaccines: the place and the queue number go with a dose of the session's main
  // product, whichever of the chosen doses the parent named first.
  const main = !s.slot_id || s.dose_kinds.includes(doseKind) ? undefined : more.find((k) => s.dose_kinds.includes(k));
  if (main) {
    more = [doseKind, ...more.filter((k) => k !== main)];
    doseKind = main;
    s = await slotContext(ctx.em, input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind }, req);
  }
  // A dose of another product the session offers carries the place when none of the main product is chosen.
  const offer = s.slot_id && !s.dose_kinds.includes(doseKind) ? await offeredProduct(ctx.em, s.session_id, doseKind) : undefined;
  assertBookable(ctx, offer ? { ...s, ...offer } : s, doseKind, person.birthDate, person.sex);
  if (s.has_live) throw duplicate(doseKind);
  const mainDose = { doseKind, productCode: offer?.product_code ?? s.product_code };
  const extras = more.length ? await planVisit(ctx.em, s, person, mainDose, more) : [];
  if (offer && offer.stock_free <= 0) throw sessionFull('STOCK');
  if ((s.phone_live ?? 0) >= ctx.config.maxPerPhone) throw phoneLimit(ctx.config.maxPerPhone);
  // Fast refusals in a storm: no transaction, no lock, when the read already shows no place.
  if (s.slot_booked >= s.slot_capacity) throw sessionFull('CAPACITY');
  if (!offer && s.stock_free <= 0) throw sessionFull('STOCK');

  const id = randomUUID();
  const slipCode = newSlipCode();
  try {
    const row = await transaction(ctx.em, async (tx) => {
      // The event first: it takes no lock, so the hot rows below are held only for one statement and the commit.
      await publish(
        tx,
        'booking',
        AppointmentBooked,
        id,
        appointmentPayload({
          id,
          session_id: s.session_id,
          slot_id: s.slot_id!,
          facility_id: s.facility_id,
          programme: s.programme,
          product_code: mainDose.productCode,
          dose_kind: doseKind,
          session_date: s.date,
          status: 'BOOKED',
          nik_hash: person.nikHash,
          walk_in: false,
        }),
      );
      // One atomic statement decides: a slot place, the queue number, a unit of stock, a phone-quota unit
      // and the appointment; each step only if the one before succeeded (conditional updates re-checked
      // against the latest row version under its lock, so concurrency can never overbook).
      const [result] = await tx.execute<
        { slot_ok: number; session_ok: number; stock_ok: number; phone_ok: number; appointment: AppointmentRow | null }[]
      >(
        BOOK_STATEMENT,
        bookStatementParams({
          s,
          person,
          doseKind,
          productCode: mainDose.productCode,
          id,
          slipCode,
          maxPerPhone: ctx.config.maxPerPhone,
          bookedBy: claims.role === 'citizen' ? (claims.sub ?? null) : null,
          req,
        }),
      );
      if (result?.appointment) {
        if (extras.length) await takeVisitDoses(tx, result.appointment, mainDose, extras);
        return result.appointment;
      }
      if (!result?.slot_ok) throw sessionFull('CAPACITY');
      if (!result.session_ok) throw sessionClosed();
      if (!result.stock_ok) throw sessionFull('STOCK');
      throw phoneLimit(ctx.config.maxPerPhone);
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    return explainFailure(ctx.em, error, req, doseKind);
  }
}

// ---------------------------------------------------------------------------------------------
// Managing one's appointment

/** The appointment, if the caller may act on it: who booked it (token), whoever holds its slip, its facility, admins. */
export async function appointmentForCaller(
  em: EntityManager,
  claims: Claims,
  vault: BookingContext['vault'],
  id: string,
  verification: AppointmentVerificationInput | undefined,
): Promise<AppointmentRow> {
  bookingPolicy.manageAppointment(claims);
  const [row] = isUuid(id) ? await em.execute<AppointmentRow[]>(`select ${APPOINTMENT_COLUMNS} from appointment where id = ?`, [id]) : [];
  const holderProven = verification
    ? !!row && vault.hash(verification.nik.trim()) === row.nik_hash && normaliseSlipCode(verification.slipCode) === row.slip_code
    : undefined;
  bookingPolicy.appointment(claims, row, holderProven);
  return row!;
}

const changedMeanwhile = (): AppError =>
  conflict(
    { id: 'Janji temu baru saja diubah; silakan muat ulang', en: 'The appointment was just changed; please reload' },
    { field: 'id' },
  );

const onlyBooked = (row: AppointmentRow): AppError =>
  conflict(
    { id: `Janji temu berstatus ${row.status} tidak dapat diubah`, en: `An appointment with status ${row.status} cannot be changed` },
    { field: 'id', status: row.status },
  );

export async function cancelAppointment(
  ctx: BookingContext,
  id: string,
  verification?: AppointmentVerificationInput,
): Promise<AppointmentRow> {
  const req = idempotentRequest(ctx.request, 'cancelAppointment', { id });
  const stored = replay(req, await findStored(ctx.em, req));
  if (stored) return stored;
  const current = await appointmentForCaller(ctx.em, ctx.request.claims, ctx.vault, id, verification);
  if (current.status !== 'BOOKED') throw onlyBooked(current);
  try {
    const row = await transaction(ctx.em, async (tx) => {
      await publish(tx, 'booking', AppointmentCancelled, id, appointmentPayload({ ...current, status: 'CANCELLED' }));
      // Frees the place at once: slot, session, stock promise and the phone's family quota in one statement.
      const [result] = await tx.execute<{ appointment: AppointmentRow | null }[]>(
        `with a as (
           update appointment set status = 'CANCELLED', cancelled_at = now() where id = ? and status = 'BOOKED' returning *
         ), slot_free as (
           update slot set booked = booked - 1 where id = (select slot_id from a) returning 1
         ), session_free as (
           update session set booked = booked - 1 where id = (select session_id from a) returning 1
         ), stock_free as (
           update stock_commitment set committed = committed - 1
            where (facility_id, product_code) = (select facility_id, product_code from a) and not ${HOLDS_PER_DOSE('(select id from a)')} returning 1
         ), phone_free as (
           update phone_quota set live = live - 1 where phone_hash = (select phone_hash from a) and live > 0 returning 1
         ), stored as (${STORE_RESULT('a')})
         select (select to_jsonb(a) from a) as appointment`,
        [id, ...storeParams(req)],
      );
      if (!result?.appointment) throw changedMeanwhile();
      await releaseVisitDoses(tx, [id], 'CANCELLED');
      return result.appointment;
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const { code, constraint } = pgError(error);
    if (code === '23505' && constraint === 'idempotency_key_pkey') {
      const replayed = replay(req, await findStored(ctx.em, req));
      if (replayed) return replayed;
    }
    throw error;
  }
}

/**
 * Moves a booked appointment to another slot atomically: the new place is taken first and the old one
 * freed in the same transaction, so a full target leaves the appointment where it was.
 */
export async function rescheduleAppointment(
  ctx: BookingContext,
  id: string,
  slotId: string,
  verification?: AppointmentVerificationInput,
): Promise<AppointmentRow> {
  const req = idempotentRequest(ctx.request, 'rescheduleAppointment', { id, slotId });
  const stored = replay(req, await findStored(ctx.em, req));
  if (stored) return stored;
  const current = await appointmentForCaller(ctx.em, ctx.request.claims, ctx.vault, id, verification);
  if (current.status !== 'BOOKED') throw onlyBooked(current);
  if (current.slot_id === slotId) throw badInput('slotId', { id: 'Ini slot yang sama', en: 'This is the same slot' });
  if ((await visitDoses(ctx.em, [id])).length) {
    // Each antigen holds stock of its own product at this facility; moving them all is a new booking.
    throw conflict(
      {
        id: 'Janji temu untuk beberapa vaksin tidak dapat dipindah; batalkan lalu pesan lagi',
        en: 'An appointment for several vaccines cannot be moved; cancel it and book again',
      },
      { field: 'id' },
    );
  }
  const s = await slotContext(
    ctx.em,
    slotId,
    { nikHash: current.nik_hash, phoneHash: null, doseKind: current.dose_kind, excludeAppointment: id },
    req,
  );
  assertBookable(ctx, s, current.dose_kind, current.birth_date, current.sex);
  if (s.programme !== current.programme) {
    throw badInput('slotId', { id: 'Sesi ini untuk program lain', en: 'This session belongs to another programme' });
  }
  if (s.slot_booked >= s.slot_capacity) throw sessionFull('CAPACITY');
  const sameStock = s.facility_id === current.facility_id && s.product_code === current.product_code;
  if (!sameStock && s.stock_free <= 0) throw sessionFull('STOCK');

  try {
    const row = await transaction(ctx.em, async (tx) => {
      const previous = {
        sessionId: current.session_id,
        slotId: current.slot_id,
        facilityId: current.facility_id,
        sessionDate: current.session_date,
      };
      const moved = {
        ...current,
        session_id: s.session_id,
        slot_id: s.slot_id!,
        facility_id: s.facility_id,
        product_code: s.product_code,
        session_date: s.date,
      };
      await publish(tx, 'booking', AppointmentRescheduled, id, appointmentPayload(moved, previous));
      const [locked] = await tx.execute<{ id: string }[]>(
        `select id from appointment where id = ? and status = 'BOOKED' and slot_id = ? for update`,
        [id, current.slot_id],
      );
      if (!locked) throw changedMeanwhile();
      const [taken] = await tx.execute<{ next_queue: number | null }[]>(
        `with slot_take as (
           update slot set booked = booked + 1 where id = ? and session_id = ? and booked < capacity returning id
         ), session_take as (
           update session set booked = booked + 1, next_queue = next_queue + 1
            where id = ? and status = 'OPEN' and product_code = ? and date = ?::date and exists (select 1 from slot_take)
           returning next_queue
         )
         select (select next_queue from session_take) as next_queue, (select count(*) from slot_take)::int as slot_ok`,
        [s.slot_id, s.session_id, s.session_id, s.product_code, s.date],
      );
      if (taken?.next_queue == null) throw sessionFull('CAPACITY');
      if (!sameStock) {
        const took = await tx.execute<{ ok: number }[]>(
          `update stock_commitment c set committed = c.committed + 1
            where c.facility_id = ? and c.product_code = ?
              and c.committed < coalesce((select l.usable_doses from stock_level l where l.facility_id = c.facility_id and l.product_code = c.product_code), 0)
           returning 1 as ok`,
          [s.facility_id, s.product_code],
        );
        if (took.length === 0) throw sessionFull('STOCK');
        await tx.execute(`update stock_commitment set committed = committed - 1 where facility_id = ? and product_code = ?`, [
          current.facility_id,
          current.product_code,
        ]);
      }
      const [result] = await tx.execute<{ appointment: AppointmentRow }[]>(
        `with old_slot as (
           update slot set booked = booked - 1 where id = ? returning 1
         ), old_session as (
           update session set booked = booked - 1 where id = ? returning 1
         ), a as (
           update appointment set session_id = ?, slot_id = ?, facility_id = ?, product_code = ?, session_date = ?::date, queue_number = ?
            where id = ? returning *
         ), stored as (${STORE_RESULT('a')})
         select (select to_jsonb(a) from a) as appointment`,
        [
          current.slot_id,
          current.session_id,
          s.session_id,
          s.slot_id,
          s.facility_id,
          s.product_code,
          s.date,
          taken.next_queue,
          id,
          ...storeParams(req),
        ],
      );
      return result!.appointment;
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    return explainFailure(ctx.em, error, req, current.dose_kind);
  }
}

export async function myAppointments(
  ctx: BookingContext,
  args: { nik?: string; birthDate?: string; slipCode?: string },
): Promise<AppointmentRow[]> {
  const claims = ctx.request.claims;
  if (args.nik || args.birthDate || args.slipCode) {
    bookingPolicy.holderLookup(claims);
    if (!args.nik) throw badInput('nik', { id: 'NIK wajib diisi', en: 'NIK is required' });
    if (!args.birthDate) throw badInput('birthDate', { id: 'Tanggal lahir wajib diisi', en: 'Birth date is required' });
    if (!args.slipCode) throw badInput('slipCode', { id: 'Kode slip wajib diisi', en: 'Slip code is required' });
    const rows = await ctx.em.execute<AppointmentRow[]>(
      `select ${APPOINTMENT_COLUMNS} from appointment where nik_hash = ? order by session_date desc, booked_at desc`,
      [ctx.vault.hash(args.nik.trim())],
    );
    const code = normaliseSlipCode(args.slipCode);
    // One answer for every mismatch, so the lookup reveals nothing about which part was wrong.
    if (!rows.some((r) => r.slip_code === code && r.birth_date === args.birthDate)) throw notFound('Janji temu', 'slipCode');
    return rows;
  }
  const account = bookingPolicy.ownAppointments(claims);
  return ctx.em.execute<AppointmentRow[]>(
    `select ${APPOINTMENT_COLUMNS} from appointment where booked_by = ? order by session_date desc, booked_at desc`,
    [account],
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql, sqlPrepared, type SqlParams, isUuid } from '@victori/shared';
import type { DoseFact } from '../eligibility/eligibility.js';
import { APPOINTMENT_COLUMNS, type AppointmentRow } from './appointment.rows.js';
import type { IdempotentRequest, StoredResult } from './idempotency.js';
import type { PersonFacts } from './person.validation.js';
import { HOLDS_PER_DOSE } from './visit-doses.store.js';

/** The appointment aggregate's SQL: the booking decision's read and its one atomic statement, cancel, reschedule, lookups. */

export async function findStored(em: EntityManager, req: IdempotentRequest): Promise<StoredResult | undefined> {
  if (!req.key) return undefined;
  const [row] = await sql<{ hash: string; result: AppointmentRow }>(
    em,
    `select request_hash as hash, result from idempotency_key where operation = :operation and key = :key`,
    { operation: req.operation, key: req.key },
  );
  return row;
}

/** SQL of a CTE member that stores `source`'s row as the result (a no-op without a key). */
/**
 * The stock rule of every place taken (booking, walk-in, a visit's extra dose): a commitment row `c`
 * of stock_commitment may grow only while it stays below the facility's usable doses of that product.
 */
export const STOCK_LEFT = `c.committed < coalesce((select l.usable_doses from stock_level l where l.facility_id = c.facility_id and l.product_code = c.product_code), 0)`;

export const STORE_RESULT = (source: string): string =>
  `insert into idempotency_key (operation, key, request_hash, result)
   select :idemOperation, :idemKey, :idemHash, to_jsonb(${source}) from ${source} where :idemKey::text is not null returning 1`;

export const storeParams = (req: IdempotentRequest): SqlParams => ({ idemOperation: req.operation, idemKey: req.key, idemHash: req.hash });

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
            from dose_history d where d.nik_hash = :nikHash) as doses,
         (select q.live from phone_quota q where q.phone_hash = :phoneHash) as phone_live,
         (exists (select 1 from appointment a where a.nik_hash = :nikHash and a.programme = s.programme and a.dose_kind = :doseKind
                   and a.status in ('BOOKED', 'CHECKED_IN') and a.id is distinct from :excludeAppointment::uuid)
          or exists (select 1 from appointment_dose vd where vd.nik_hash = :nikHash and vd.programme = s.programme and vd.dose_kind = :doseKind
                   and vd.status = 'BOOKED' and vd.appointment_id is distinct from :excludeAppointment::uuid)) as has_live,
         (select json_build_object('hash', k.request_hash, 'result', k.result) from idempotency_key k where k.operation = :operation and k.key = :key) as idem
    from (select 1) as one
    left join slot sl on sl.id = :slotId::uuid
    left join session s on s.id = sl.session_id
    left join stock_level l on l.facility_id = s.facility_id and l.product_code = s.product_code
    left join stock_commitment c on c.facility_id = s.facility_id and c.product_code = s.product_code`;

export function slotContextParams(
  slotId: string,
  person: { nikHash: string; phoneHash: string | null; doseKind: string; excludeAppointment?: string },
  req: Pick<IdempotentRequest, 'operation' | 'key'>,
): SqlParams {
  return {
    nikHash: person.nikHash,
    phoneHash: person.phoneHash,
    doseKind: person.doseKind,
    excludeAppointment: person.excludeAppointment ?? null,
    operation: req.operation,
    key: req.key,
    slotId: isUuid(slotId) ? slotId : null,
  };
}

export async function slotContext(
  em: EntityManager,
  slotId: string,
  person: { nikHash: string; phoneHash: string | null; doseKind: string; excludeAppointment?: string },
  req: IdempotentRequest,
): Promise<SlotContext> {
  const [row] = await sqlPrepared<SlotContext>(em, SLOT_CONTEXT, slotContextParams(slotId, person, req));
  return row!;
}

/**
 * The one atomic statement that decides a booking: a slot place, the queue number, a unit of stock, a
 * phone-quota unit and the appointment, each step only if the one before succeeded (conditional
 * updates re-checked against the latest row version under its lock, so concurrency can never overbook).
 */
export const BOOK_STATEMENT = `with slot_take as (
           update slot set booked = booked + 1 where id = :slotId and session_id = :sessionId and booked < capacity returning id
         ), session_take as (
           update session set booked = booked + 1, next_queue = next_queue + 1
            where id = :sessionId and status = 'OPEN' and product_code = :sessionProductCode and date = :date::date and exists (select 1 from slot_take)
           returning next_queue
         ), stock_take as (
           update stock_commitment c set committed = c.committed + 1
            where c.facility_id = :facilityId and c.product_code = :productCode and exists (select 1 from session_take)
              and ${STOCK_LEFT}
           returning 1
         ), phone_take as (
           insert into phone_quota as q (phone_hash, live) select :phoneHash, 1 where exists (select 1 from stock_take)
           on conflict (phone_hash) do update set live = q.live + 1 where q.live < :maxPerPhone
           returning 1
         ), appt as (
           insert into appointment (id, session_id, slot_id, facility_id, programme, product_code, dose_kind, session_date, queue_number, slip_code,
                                    status, walk_in, nik_hash, nik_enc, name_enc, birth_date, sex, phone_hash, residence_kelurahan_code, booked_by)
           select :id, :sessionId, :slotId, :facilityId, :programme, :productCode, :doseKind, :date::date, (select next_queue from session_take), :slipCode,
                  'BOOKED', false, :nikHash, :nikEnc, :nameEnc, :birthDate::date, :sex, :phoneHash, :residenceKelurahanCode, :bookedBy
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

export function bookStatementParams(a: BookStatementArgs): SqlParams {
  return {
    slotId: a.s.slot_id,
    sessionId: a.s.session_id,
    sessionProductCode: a.s.product_code,
    date: a.s.date,
    facilityId: a.s.facility_id,
    productCode: a.productCode ?? a.s.product_code,
    phoneHash: a.person.phoneHash,
    maxPerPhone: a.maxPerPhone,
    id: a.id,
    programme: a.s.programme,
    doseKind: a.doseKind,
    slipCode: a.slipCode,
    nikHash: a.person.nikHash,
    nikEnc: a.person.nikEnc,
    nameEnc: a.person.nameEnc,
    birthDate: a.person.birthDate,
    sex: a.person.sex,
    residenceKelurahanCode: a.person.residenceKelurahanCode,
    bookedBy: a.bookedBy,
    ...storeParams(a.req),
  };
}

export interface BookOutcome {
  slot_ok: number;
  session_ok: number;
  stock_ok: number;
  phone_ok: number;
  appointment: AppointmentRow | null;
}

export async function book(tx: EntityManager, a: BookStatementArgs): Promise<BookOutcome | undefined> {
  const [result] = await sqlPrepared<BookOutcome>(tx, BOOK_STATEMENT, bookStatementParams(a));
  return result;
}

export async function findAppointment(em: EntityManager, id: string): Promise<AppointmentRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await sqlPrepared<AppointmentRow>(em, `select ${APPOINTMENT_COLUMNS} from appointment where id = :id::uuid`, { id });
  return row;
}

/** Whose appointments: the person (by NIK hash) or what one account booked. */
export type AppointmentOwner = { nikHash: string } | { account: string };

const ownerWhere = (owner: AppointmentOwner): { where: string; params: Record<string, unknown> } =>
  'nikHash' in owner
    ? { where: 'nik_hash = :nikHash', params: { nikHash: owner.nikHash } }
    : { where: 'booked_by = :account', params: { account: owner.account } };

/**
 * One page of a person's or an account's appointments, newest session first. `after` is the keyset of
 * the previous page's last row (session date, booking time in microseconds since the epoch, id); each
 * row carries its own as `cursor_micros`.
 */
export async function appointmentsPage(
  em: EntityManager,
  owner: AppointmentOwner,
  page: { limit: number; after?: [string, string, string] },
): Promise<(AppointmentRow & { cursor_micros: string })[]> {
  const { where, params } = ownerWhere(owner);
  const micros = `(extract(epoch from booked_at) * 1000000)::bigint`;
  const after = page.after ? `and (session_date, ${micros}, id) < (:afterDate::date, :afterMicros::bigint, :afterId::uuid)` : '';
  if (page.after) [params.afterDate, params.afterMicros, params.afterId] = page.after;
  return sqlPrepared<AppointmentRow & { cursor_micros: string }>(
    em,
    `select ${APPOINTMENT_COLUMNS}, ${micros}::text as cursor_micros from appointment where ${where} ${after}
      order by session_date desc, ${micros} desc, id desc limit :limit`,
    { ...params, limit: page.limit },
  );
}

export async function countAppointments(em: EntityManager, owner: AppointmentOwner): Promise<number> {
  const { where, params } = ownerWhere(owner);
  const [row] = await sqlPrepared<{ n: number }>(em, `select count(*)::int as n from appointment where ${where}`, params);
  return Number(row?.n ?? 0);
}

/** Whether one of the person's appointments carries this slip code and birth date (the public lookup's proof). */
export async function personHoldsSlip(em: EntityManager, r: { nikHash: string; slipCode: string; birthDate: string }): Promise<boolean> {
  const rows = await sql(
    em,
    `select 1 from appointment where nik_hash = :nikHash and slip_code = :slipCode and birth_date = :birthDate::date limit 1`,
    r,
  );
  return rows.length > 0;
}

/** Cancels a booked appointment and frees its place at once: slot, session, stock promise and the phone's family quota, in one statement. */
export async function cancelBooked(tx: EntityManager, id: string, req: IdempotentRequest): Promise<AppointmentRow | null> {
  const [result] = await sql<{ appointment: AppointmentRow | null }>(
    tx,
    `with a as (
       update appointment set status = 'CANCELLED', cancelled_at = now() where id = :id and status = 'BOOKED' returning *
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
    { id, ...storeParams(req) },
  );
  return result?.appointment ?? null;
}

/** Locks the appointment while it is still BOOKED in `slotId`; false when it changed meanwhile. */
export async function lockBookedIn(tx: EntityManager, a: { id: string; slotId: string }): Promise<boolean> {
  const rows = await sql(tx, `select id from appointment where id = :id and status = 'BOOKED' and slot_id = :slotId for update`, a);
  return rows.length > 0;
}

/** Takes a place in a slot of an open session (the next queue number), or null when the slot is full or the session changed. */
export async function takePlace(
  tx: EntityManager,
  p: { slotId: string; sessionId: string; productCode: string; date: string },
): Promise<number | null> {
  const [taken] = await sql<{ next_queue: number | null }>(
    tx,
    `with slot_take as (
       update slot set booked = booked + 1 where id = :slotId and session_id = :sessionId and booked < capacity returning id
     ), session_take as (
       update session set booked = booked + 1, next_queue = next_queue + 1
        where id = :sessionId and status = 'OPEN' and product_code = :productCode and date = :date::date and exists (select 1 from slot_take)
       returning next_queue
     )
     select (select next_queue from session_take) as next_queue, (select count(*) from slot_take)::int as slot_ok`,
    p,
  );
  return taken?.next_queue ?? null;
}

/** Promises one unit of a facility's usable stock; false when all of it is promised. */
export async function takeStockUnit(tx: EntityManager, k: { facilityId: string; productCode: string }): Promise<boolean> {
  const took = await sql(
    tx,
    `update stock_commitment c set committed = c.committed + 1
      where c.facility_id = :facilityId and c.product_code = :productCode
        and ${STOCK_LEFT}
     returning 1 as ok`,
    k,
  );
  return took.length > 0;
}

export async function releaseStockUnit(tx: EntityManager, k: { facilityId: string; productCode: string }): Promise<void> {
  await sql(tx, `update stock_commitment set committed = committed - 1 where facility_id = :facilityId and product_code = :productCode`, k);
}

/** Moves the appointment to its new place and frees the old one (the new place was taken before). */
export async function moveAppointment(
  tx: EntityManager,
  m: {
    id: string;
    oldSlotId: string;
    oldSessionId: string;
    sessionId: string;
    slotId: string;
    facilityId: string;
    productCode: string;
    date: string;
    queueNumber: number;
  },
  req: IdempotentRequest,
): Promise<AppointmentRow> {
  const [result] = await sql<{ appointment: AppointmentRow }>(
    tx,
    `with old_slot as (
       update slot set booked = booked - 1 where id = :oldSlotId returning 1
     ), old_session as (
       update session set booked = booked - 1 where id = :oldSessionId returning 1
     ), a as (
       update appointment set session_id = :sessionId, slot_id = :slotId, facility_id = :facilityId, product_code = :productCode,
              session_date = :date::date, queue_number = :queueNumber
        where id = :id returning *
     ), stored as (${STORE_RESULT('a')})
     select (select to_jsonb(a) from a) as appointment`,
    { ...m, ...storeParams(req) },
  );
  return result!.appointment;
}

/** Registry person ids by NIK hash, from booking's projection of immunization's people. */
export async function registryPersonIds(em: EntityManager, nikHashes: readonly string[]): Promise<Map<string, string>> {
  if (nikHashes.length === 0) return new Map();
  const rows = await sql<{ person_id: string; nik_hash: string }>(
    em,
    `select person_id, nik_hash from registry_person where nik_hash = any(:hashes::text[])`,
    { hashes: pgArray([...nikHashes]) },
  );
  return new Map(rows.map((r) => [r.nik_hash, r.person_id]));
}

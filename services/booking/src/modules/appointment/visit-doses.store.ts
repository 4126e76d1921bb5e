import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql } from '@victori/shared';
import { appointmentColumns, type AppointmentRow } from './appointment.rows.js';

/** SQL of one visit with several vaccines: the session's offers, the appointment's antigens and their stock units. */

/** A product the session offers, with the stock not yet promised at its facility. */
export interface Offer {
  product_code: string;
  dose_kinds: string[];
  stock_free: number;
}

export interface AppointmentDoseRow {
  appointment_id: string;
  dose_kind: string;
  product_code: string;
  status: string;
}

/** SQL for "this appointment's stock is held per antigen" (used to skip the single-antigen release). */
export const HOLDS_PER_DOSE = (appointmentIdSql: string): string =>
  `exists (select 1 from appointment_dose vd where vd.appointment_id = ${appointmentIdSql})`;

/** Every product a session offers, its main product first. */
export async function sessionOffers(em: EntityManager, sessionId: string): Promise<Offer[]> {
  return sql<Offer>(
    em,
    `select o.product_code, o.dose_kinds, greatest(0, coalesce(l.usable_doses, 0) - coalesce(c.committed, 0))::int as stock_free
       from (select s.product_code, s.dose_kinds, s.facility_id, 0 as ord from session s where s.id = :sessionId
             union all
             select so.product_code, so.dose_kinds, s.facility_id, 1 from session_offer so join session s on s.id = so.session_id where so.session_id = :sessionId) o
       left join stock_level l on l.facility_id = o.facility_id and l.product_code = o.product_code
       left join stock_commitment c on c.facility_id = o.facility_id and c.product_code = o.product_code
      order by o.ord, o.product_code`,
    { sessionId },
  );
}

/** Which of these dose kinds the person already holds live in the programme (an appointment or a visit's antigen). */
export async function liveDoseKinds(em: EntityManager, p: { nikHash: string; programme: string; doseKinds: string[] }): Promise<string[]> {
  const rows = await sql<{ dose_kind: string }>(
    em,
    `select dose_kind from appointment where nik_hash = :nikHash and programme = :programme and dose_kind = any(:kinds::text[]) and status in ('BOOKED', 'CHECKED_IN')
     union select dose_kind from appointment_dose where nik_hash = :nikHash and programme = :programme and dose_kind = any(:kinds::text[]) and status = 'BOOKED'`,
    { nikHash: p.nikHash, programme: p.programme, kinds: pgArray(p.doseKinds) },
  );
  return rows.map((r) => r.dose_kind);
}

/** One row per antigen of the visit (the main dose and the further ones), all BOOKED. */
export async function insertVisitDoses(
  tx: EntityManager,
  v: { appointmentId: string; doses: { doseKind: string; productCode: string }[]; nikHash: string; programme: string },
): Promise<void> {
  await sql(
    tx,
    `insert into appointment_dose (appointment_id, dose_kind, product_code, nik_hash, programme)
     select :appointmentId, unnest(:doseKinds::text[]), unnest(:productCodes::text[]), :nikHash, :programme`,
    {
      appointmentId: v.appointmentId,
      doseKinds: pgArray(v.doses.map((d) => d.doseKind)),
      productCodes: pgArray(v.doses.map((d) => d.productCode)),
      nikHash: v.nikHash,
      programme: v.programme,
    },
  );
}

/** The antigens of these appointments (multi-antigen ones only), in booking order of dose kind. */
export async function visitDoses(em: EntityManager, appointmentIds: string[]): Promise<AppointmentDoseRow[]> {
  if (appointmentIds.length === 0) return [];
  return sql<AppointmentDoseRow>(
    em,
    `select appointment_id, dose_kind, product_code, status from appointment_dose where appointment_id = any(:ids::uuid[]) order by dose_kind`,
    { ids: pgArray(appointmentIds) },
  );
}

/**
 * Frees the stock of the antigens still BOOKED on these appointments (cancelled, missed). Callers exclude
 * multi-antigen appointments from their own one-unit release: each antigen's unit is released here once.
 */
export async function releaseVisitDoses(tx: EntityManager, appointmentIds: string[], status: 'CANCELLED' | 'NO_SHOW'): Promise<void> {
  if (appointmentIds.length === 0) return;
  await sql(
    tx,
    `with d as (
       update appointment_dose d set status = :status from appointment a
        where a.id = d.appointment_id and d.appointment_id = any(:ids::uuid[]) and d.status = 'BOOKED'
       returning a.facility_id, d.product_code
     )
     update stock_commitment c set committed = c.committed - x.n
       from (select facility_id, product_code, count(*)::int as n from d group by facility_id, product_code) x
      where c.facility_id = x.facility_id and c.product_code = x.product_code`,
    { status, ids: pgArray(appointmentIds) },
  );
}

/** How many antigens the appointment has (0: a single-antigen appointment). */
export async function countVisitDoses(em: EntityManager, appointmentId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(em, `select count(*)::int as n from appointment_dose where appointment_id = :appointmentId`, {
    appointmentId,
  });
  return row?.n ?? 0;
}

/**
 * Marks the antigen GIVEN and releases its stock unit, when the appointment is live with this slip code at
 * this facility and (when the dose names a person) is that person's (by NIK hash or registry key).
 */
export async function giveVisitDose(
  tx: EntityManager,
  d: {
    appointmentId: string;
    slipCode: string;
    facilityId: string;
    doseKind: string;
    doseRecordId: string;
    nikHash: string | null;
    registryKey: string;
  },
): Promise<void> {
  await sql(
    tx,
    `with a as (
       select id, facility_id from appointment
        where id = :appointmentId and slip_code = :slipCode and facility_id = :facilityId and status in ('BOOKED', 'CHECKED_IN')
          and (:nikHash::text is null or nik_hash = :nikHash or nik_hash = :registryKey)
     ), dose as (
       update appointment_dose set status = 'GIVEN', dose_record_id = :doseRecordId
        where appointment_id = (select id from a) and dose_kind = :doseKind and status = 'BOOKED' returning product_code
     )
     update stock_commitment set committed = committed - 1
      where facility_id = (select facility_id from a) and product_code = (select product_code from dose)`,
    d,
  );
}

/** Marks these antigens NOT_GIVEN and releases their stock units at the appointment's facility. */
export async function markNotGiven(
  tx: EntityManager,
  d: { appointmentId: string; doseKinds: string[]; facilityId: string },
): Promise<void> {
  await sql(
    tx,
    `with d as (
       update appointment_dose set status = 'NOT_GIVEN' where appointment_id = :appointmentId and dose_kind = any(:doseKinds::text[]) and status = 'BOOKED'
       returning product_code
     )
     update stock_commitment c set committed = c.committed - x.n
       from (select product_code, count(*)::int as n from d group by product_code) x
      where c.facility_id = :facilityId and c.product_code = x.product_code`,
    { appointmentId: d.appointmentId, doseKinds: pgArray(d.doseKinds), facilityId: d.facilityId },
  );
}

/**
 * Completes the visit when every antigen is GIVEN or NOT_GIVEN: the place counts as served, the phone
 * quota is freed. Undefined when something is still to give (or the appointment is not live).
 */
export async function completeVisit(
  tx: EntityManager,
  v: { appointmentId: string; at: string; doseRecordId: string | null },
): Promise<AppointmentRow | undefined> {
  const [row] = await sql<AppointmentRow>(
    tx,
    `with a as (
       update appointment set status = 'COMPLETED', completed_at = :at, dose_record_id = coalesce(dose_record_id, :doseRecordId::uuid)
        where id = :appointmentId and status in ('BOOKED', 'CHECKED_IN')
          and not exists (select 1 from appointment_dose where appointment_id = :appointmentId and status = 'BOOKED')
       returning *
     ), phone_free as (
       update phone_quota set live = live - 1 where phone_hash = (select phone_hash from a) and live > 0 returning 1
     ), served as (
       update session set served_count = served_count + 1 where id = (select session_id from a) returning 1
     )
     select ${appointmentColumns('a')} from a`,
    v,
  );
  return row;
}

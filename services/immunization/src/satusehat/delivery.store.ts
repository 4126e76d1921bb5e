import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';
import { VISIT_KEY_SQL } from '../migrations/Migration20261202020000_national_targets.js';
import type { DeliveryProblem } from './client.js';
import type { DeliveryItem, DeliveryRow, Target } from './delivery.queue.js';
import type { Claimed, PersonRow, RecordRow } from './delivery.unit.js';

/**
 * The national delivery queue's SQL (national_delivery, one row per dose identity and target): queuing in
 * the caller's transaction, the worker's claim and outcomes, the desk's retry, and the figures of /ready
 * and the health office's backlog. No access decisions here: national.service.ts and
 * delivery-health.service.ts decide first; the worker and the consumers are system callers.
 */

/** A PostgreSQL array literal in which null stays NULL (uuid[] columns with gaps). */
export function pgArrayNullable(values: (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;
}

/**
 * What queuing a dose identity that is already queued does: the new record replaces the one to be
 * sent and delivery restarts (the national resource is then updated in place).
 */
export const DELIVERY_REQUEUE = `on conflict (target, dedupe_key) do update set
       dose_record_id = excluded.dose_record_id, version = national_delivery.version + 1, status = 'PENDING',
       visit_key = coalesce(excluded.visit_key, national_delivery.visit_key),
       attempts = 0, next_attempt_at = now(), last_error = null, problem = null, updated_at = now()`;

/** The visit of the record to send (a voided dose keeps the visit it was sent in). */
export const VISIT_OF_RECORD = `(select ${VISIT_KEY_SQL('r')} from dose_record r where r.id = u.dose_record_id)`;

/** Queues each item for each target in one statement (the caller's transaction); a queued identity restarts. */
export async function insertDeliveries(tx: EntityManager, a: { items: DeliveryItem[]; targets: readonly Target[] }): Promise<void> {
  if (a.items.length === 0) return;
  await sql(
    tx,
    `insert into national_delivery (target, dedupe_key, person_id, dose_record_id, visit_key)
     select t.target, u.dedupe_key, u.person_id, u.dose_record_id, ${VISIT_OF_RECORD}
     from unnest(:dedupeKeys::varchar[], :personIds::uuid[], :doseRecordIds::uuid[]) as u(dedupe_key, person_id, dose_record_id)
     cross join unnest(:targets::varchar[]) as t(target)
     ${DELIVERY_REQUEUE}`,
    {
      dedupeKeys: pgArrayNullable(a.items.map((i) => i.dedupeKey)),
      personIds: pgArrayNullable(a.items.map((i) => i.personId)),
      doseRecordIds: pgArrayNullable(a.items.map((i) => i.doseRecordId)),
      targets: pgArrayNullable([...a.targets]),
    },
  );
}

/** The queue rows of these dose records, every target, in target order. */
export async function deliveriesOfRecords(em: EntityManager, a: { doseRecordIds: readonly string[] }): Promise<DeliveryRow[]> {
  if (a.doseRecordIds.length === 0) return [];
  return sql<DeliveryRow>(em, `select * from national_delivery where dose_record_id in (:doseRecordIds) order by target`, {
    doseRecordIds: [...a.doseRecordIds],
  });
}

/**
 * Claims up to `limit` due rows of one target for one attempt: attempts + 1 and a lease of `leaseMs`
 * (a crashed worker's rows come back when it ends). Skip locked: workers never wait on each other.
 */
export async function claimDue(em: EntityManager, a: { target: Target; leaseMs: number; limit: number }): Promise<Claimed[]> {
  const rows = await sql<{
    id: string;
    target: Target;
    dedupe_key: string;
    person_id: string;
    dose_record_id: string | null;
    version: number;
    remote_id: string | null;
    attempts: number;
    visit_key: string | null;
  }>(
    em,
    `update national_delivery set attempts = attempts + 1, next_attempt_at = now() + (:leaseMs * interval '1 millisecond'), updated_at = now()
     where id in (select id from national_delivery where target = :target and status = 'PENDING' and next_attempt_at <= now()
                  order by next_attempt_at limit :limit for update skip locked)
     returning id, target, dedupe_key, person_id, dose_record_id, version, remote_id, attempts, visit_key`,
    a,
  );
  return rows.map((r) => ({
    id: r.id,
    target: r.target,
    dedupeKey: r.dedupe_key,
    personId: r.person_id,
    doseRecordId: r.dose_record_id,
    version: r.version,
    remoteId: r.remote_id,
    attempts: r.attempts,
    visitKey: r.visit_key,
  }));
}

/** dose_record's columns as delivery reads them (alias `r`). */
export const RECORD_COLUMNS = `r.id, r.person_id, r.programme, r.dose_kind, r.dose_number, r.product_code, r.lot_number,
  r.expiration_date::text as expiration_date, r.administered_at, r.recorded_at, r.facility_id, r.performer_id, r.valid, r.timing,
  r.source, r.dedupe_key`;

export interface RecordColumns {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  dose_number: number;
  product_code: string;
  lot_number: string;
  expiration_date: string | null;
  administered_at: string | Date;
  recorded_at: string | Date;
  facility_id: string;
  performer_id: string;
  valid: boolean;
  timing: string | null;
  source: string;
  dedupe_key: string;
}

export const toRecordRow = (r: RecordColumns): RecordRow => ({
  id: r.id,
  personId: r.person_id,
  programme: r.programme,
  doseKind: r.dose_kind,
  doseNumber: r.dose_number,
  productCode: r.product_code,
  lotNumber: r.lot_number,
  expirationDate: r.expiration_date,
  administeredAt: new Date(r.administered_at),
  recordedAt: new Date(r.recorded_at),
  facilityId: r.facility_id,
  performerId: r.performer_id,
  valid: r.valid,
  timing: r.timing,
  source: r.source,
  dedupeKey: r.dedupe_key,
});

/** The record to send under each key: the current one, or for a voided dose the last one sent under the key. */
export async function recordsToSend(em: EntityManager, a: { dedupeKeys: readonly string[] }): Promise<RecordRow[]> {
  if (a.dedupeKeys.length === 0) return [];
  const rows = await sql<RecordColumns>(
    em,
    `select distinct on (r.dedupe_key) ${RECORD_COLUMNS} from dose_record r where r.dedupe_key in (:dedupeKeys)
      order by r.dedupe_key, (r.status = 'ACTIVE') desc, r.recorded_at desc`,
    { dedupeKeys: [...a.dedupeKeys] },
  );
  return rows.map(toRecordRow);
}

/** The people of the claimed rows, as far as delivery needs them. */
export async function peopleToSend(em: EntityManager, a: { personIds: readonly string[] }): Promise<PersonRow[]> {
  if (a.personIds.length === 0) return [];
  const rows = await sql<{
    id: string;
    nik_encrypted: string | null;
    mother_nik_encrypted: string | null;
    full_name_encrypted: string;
    birth_date: string;
    sex: 'MALE' | 'FEMALE';
    residence_kelurahan_code: string;
    ihs_number: string | null;
  }>(
    em,
    `select id, nik_encrypted, mother_nik_encrypted, full_name_encrypted, to_char(birth_date, 'YYYY-MM-DD') as birth_date, sex,
            residence_kelurahan_code, ihs_number
       from person where id in (:personIds)`,
    { personIds: [...a.personIds] },
  );
  return rows.map((r) => ({
    id: r.id,
    nikEncrypted: r.nik_encrypted,
    motherNikEncrypted: r.mother_nik_encrypted,
    fullNameEncrypted: r.full_name_encrypted,
    birthDate: r.birth_date,
    sex: r.sex,
    residenceKelurahanCode: r.residence_kelurahan_code,
    ihsNumber: r.ihs_number,
  }));
}

/**
 * The claimed version reached the target: DELIVERED, unless the record was replaced meanwhile (a newer
 * version), which then goes again at once.
 */
export async function markDelivered(em: EntityManager, a: { id: string; version: number; remoteId: string | null }): Promise<void> {
  await sql(
    em,
    `update national_delivery set
       status = case when version = :version then 'DELIVERED' else 'PENDING' end,
       delivered_version = :version, remote_id = coalesce(:remoteId, remote_id), delivered_at = now(), last_error = null, problem = null,
       attempts = case when version = :version then attempts else 0 end,
       next_attempt_at = case when version = :version then next_attempt_at else now() end, updated_at = now()
     where id = :id`,
    a,
  );
}

/** The target does not take this record (NOT_APPLICABLE, with why), unless it was replaced meanwhile. */
export async function markNotApplicable(
  em: EntityManager,
  a: { id: string; version: number; error: string; problem: DeliveryProblem | null },
): Promise<void> {
  await sql(
    em,
    `update national_delivery set status = case when version = :version then 'NOT_APPLICABLE' else 'PENDING' end, last_error = :error,
       problem = :problem, next_attempt_at = now(), updated_at = now() where id = :id`,
    a,
  );
}

/** Refused for good: FAILED with the problem a person must fix, unless the record was replaced meanwhile. */
export async function markFailed(
  em: EntityManager,
  a: { id: string; version: number; error: string; problem: DeliveryProblem },
): Promise<void> {
  await sql(
    em,
    `update national_delivery set status = case when version = :version then 'FAILED' else 'PENDING' end, last_error = :error, problem = :problem,
       next_attempt_at = now(), updated_at = now() where id = :id`,
    a,
  );
}

/** A transient failure: the next attempt after `delayMs` (at once when the record was replaced meanwhile). */
export async function markRetrying(em: EntityManager, a: { id: string; version: number; error: string; delayMs: number }): Promise<void> {
  await sql(
    em,
    `update national_delivery set last_error = :error, problem = null,
       next_attempt_at = case when version = :version then now() + (:delayMs * interval '1 millisecond') else now() end, updated_at = now()
     where id = :id`,
    a,
  );
}

/** FAILED rows go back to PENDING now (a person fixed what they were waiting for); add the rows' condition after it. */
const REQUEUE_FAILED = `update national_delivery set status = 'PENDING', problem = null, last_error = null, attempts = 0, next_attempt_at = now(),
       updated_at = now()
     where status = 'FAILED'`;

/** A facility's ids were registered: its records that waited for them go again. Returns how many. */
export async function requeueFacilityNotRegistered(tx: EntityManager, a: { facilityId: string }): Promise<number> {
  const rows = await sql<{ id: string }>(
    tx,
    `${REQUEUE_FAILED} and problem = 'FACILITY_NOT_REGISTERED' and dose_record_id in (select id from dose_record where facility_id = :facilityId)
     returning id`,
    a,
  );
  return rows.length;
}

/** A health worker's NIK was registered: the records they gave that waited for it go again. Returns how many. */
export async function requeuePractitionerNotFound(tx: EntityManager, a: { performerId: string }): Promise<number> {
  const rows = await sql<{ id: string }>(
    tx,
    `${REQUEUE_FAILED} and problem = 'PRACTITIONER_NOT_FOUND' and dose_record_id in (select id from dose_record where performer_id = :performerId)
     returning id`,
    a,
  );
  return rows.length;
}

/** The desk's retry: the record's FAILED rows of these targets go again. Returns how many. */
export async function requeueRecord(tx: EntityManager, a: { doseRecordId: string; targets: readonly Target[] }): Promise<number> {
  const rows = await sql<{ id: string }>(tx, `${REQUEUE_FAILED} and dose_record_id = :doseRecordId and target in (:targets) returning id`, {
    doseRecordId: a.doseRecordId,
    targets: [...a.targets],
  });
  return rows.length;
}

/** The problems of the record's FAILED rows of these targets (one per row; empty when none waits for a fix). */
export async function failedProblems(
  tx: EntityManager,
  a: { doseRecordId: string; targets: readonly Target[] },
): Promise<(DeliveryProblem | null)[]> {
  const rows = await sql<{ problem: DeliveryProblem | null }>(
    tx,
    `select problem from national_delivery where dose_record_id = :doseRecordId and target in (:targets) and status = 'FAILED'`,
    { doseRecordId: a.doseRecordId, targets: [...a.targets] },
  );
  return rows.map((r) => r.problem);
}

export interface PendingFigures {
  backlog: number;
  failing: number;
  /** Age of the oldest pending row in seconds (0 when none). */
  oldestSeconds: number;
  /** Age of the oldest pending row whose last attempt failed, in seconds (0 when none). */
  oldestFailingSeconds: number;
}

/** Pending rows of these targets (a partial index covers them): how many, how many failing, the oldest. */
export async function pendingFigures(em: EntityManager, a: { targets: readonly string[] }): Promise<PendingFigures> {
  const row = await sqlOne<{ backlog: string; failing: string; oldest_s: string | null; oldest_failing_s: string | null }>(
    em,
    `select count(*) as backlog, count(*) filter (where last_error is not null) as failing,
            extract(epoch from now() - min(created_at)) as oldest_s,
            extract(epoch from now() - min(created_at) filter (where last_error is not null)) as oldest_failing_s
       from national_delivery where status = 'PENDING' and target in (:targets)`,
    { targets: a.targets.length ? [...a.targets] : [''] },
  );
  return {
    backlog: Number(row?.backlog ?? 0),
    failing: Number(row?.failing ?? 0),
    oldestSeconds: Number(row?.oldest_s ?? 0),
    oldestFailingSeconds: Number(row?.oldest_failing_s ?? 0),
  };
}

/** Rows of a target refused for good (a partial index holds only FAILED rows). */
export async function failedCount(em: EntityManager, a: { target: Target }): Promise<number> {
  const row = await sqlOne<{ n: string }>(
    em,
    `select count(*) as n from national_delivery where status = 'FAILED' and target = :target`,
    a,
  );
  return Number(row?.n ?? 0);
}

export interface BacklogRow {
  target: Target;
  facilityId: string | null;
  status: 'PENDING' | 'FAILED';
  reason: string;
  records: number;
  oldest: Date;
}

/**
 * What has not reached the national systems, per target, facility and reason: FAILED rows by the problem
 * a person must fix, PENDING rows as RETRYING (last attempt failed) or QUEUED. Null filters match all.
 */
export async function backlog(
  em: EntityManager,
  a: { target: Target | null; facilityId: string | null; reason: string | null },
): Promise<BacklogRow[]> {
  const rows = await sql<{
    target: Target;
    facility_id: string | null;
    status: 'PENDING' | 'FAILED';
    reason: string;
    records: string;
    oldest: string | Date;
  }>(
    em,
    `select * from (
       select d.target, r.facility_id, d.status,
              case when d.status = 'FAILED' then coalesce(d.problem, 'REJECTED')
                   when d.last_error is not null then 'RETRYING' else 'QUEUED' end as reason,
              count(*) as records, min(d.created_at) as oldest
         from national_delivery d left join dose_record r on r.id = d.dose_record_id
        where d.status in ('PENDING', 'FAILED') and (:target::varchar is null or d.target = :target)
          and (:facilityId::uuid is null or r.facility_id = :facilityId::uuid)
        group by 1, 2, 3, 4) b
     where :reason::varchar is null or b.reason = :reason
     order by target, records desc, facility_id`,
    a,
  );
  return rows.map((r) => ({
    target: r.target,
    facilityId: r.facility_id,
    status: r.status,
    reason: r.reason,
    records: Number(r.records),
    oldest: new Date(r.oldest),
  }));
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';
import { RECORD_COLUMNS, toRecordRow, type RecordColumns } from './delivery.store.js';
import type { RecordRow } from './delivery.unit.js';

/**
 * SATUSEHAT's identities and visits as we keep them: facilities' Organization and Location ids (from
 * booking's events), health workers' NIKs and IHS Practitioner ids, patients' IHS numbers cached on the
 * person, and each visit's Encounter (national_visit, target SATUSEHAT). No access decisions here.
 */

export interface FacilityIds {
  organizationId: string | null;
  locationId: string | null;
}

/** Keeps a facility's SATUSEHAT ids (null clears one). */
export async function upsertFacilityIds(
  tx: EntityManager,
  a: { facilityId: string; organizationId: string | null; locationId: string | null },
): Promise<void> {
  await sql(
    tx,
    `insert into satusehat_facility (facility_id, organization_id, location_id, updated_at) values (:facilityId, :organizationId, :locationId, now())
     on conflict (facility_id) do update set organization_id = excluded.organization_id, location_id = excluded.location_id, updated_at = now()`,
    a,
  );
}

export async function facilityIds(em: EntityManager, a: { facilityId: string }): Promise<FacilityIds | undefined> {
  const row = await sqlOne<{ organization_id: string | null; location_id: string | null }>(
    em,
    `select organization_id, location_id from satusehat_facility where facility_id = :facilityId`,
    a,
  );
  return row && { organizationId: row.organization_id, locationId: row.location_id };
}

/** Every facility's ids forgotten (the facilities consumer's reset: booking's events are read again). */
export async function forgetFacilityIds(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from satusehat_facility`);
}

export interface PractitionerIdentityRow {
  accountId: string;
  ihsId: string | null;
  lookedUpAt: Date | null;
}

/** A health worker's NIK (encrypted), replacing one registered before; the IHS id is looked up again. */
export async function upsertPractitionerNik(
  tx: EntityManager,
  a: { accountId: string; nikEncrypted: string },
): Promise<PractitionerIdentityRow> {
  const row = await sqlOne<{ account_id: string; ihs_id: string | null; looked_up_at: string | Date | null }>(
    tx,
    `insert into satusehat_practitioner (account_id, nik_encrypted, ihs_id, looked_up_at, updated_at) values (:accountId, :nikEncrypted, null, null, now())
     on conflict (account_id) do update set nik_encrypted = excluded.nik_encrypted, ihs_id = null, looked_up_at = null, updated_at = now()
     returning account_id, ihs_id, looked_up_at`,
    a,
  );
  return { accountId: row!.account_id, ihsId: row!.ihs_id, lookedUpAt: row!.looked_up_at ? new Date(row!.looked_up_at) : null };
}

/** A health worker's NIK unless one is registered (the demo's practitioners: a registered NIK is kept). */
export async function insertPractitionerNikIfAbsent(em: EntityManager, a: { accountId: string; nikEncrypted: string }): Promise<void> {
  await sql(
    em,
    `insert into satusehat_practitioner (account_id, nik_encrypted) values (:accountId, :nikEncrypted) on conflict (account_id) do nothing`,
    a,
  );
}

export async function practitioner(
  em: EntityManager,
  a: { accountId: string },
): Promise<{ nikEncrypted: string; ihsId: string | null } | undefined> {
  const row = await sqlOne<{ nik_encrypted: string; ihs_id: string | null }>(
    em,
    `select nik_encrypted, ihs_id from satusehat_practitioner where account_id = :accountId`,
    a,
  );
  return row && { nikEncrypted: row.nik_encrypted, ihsId: row.ihs_id };
}

/** The result of looking the health worker up by NIK (null: SATUSEHAT knows none), with when. */
export async function savePractitionerIhs(em: EntityManager, a: { accountId: string; ihsId: string | null }): Promise<void> {
  await sql(
    em,
    `update satusehat_practitioner set ihs_id = :ihsId, looked_up_at = now(), updated_at = now() where account_id = :accountId`,
    a,
  );
}

/** Caches the person's IHS number unless one is cached already. */
export async function savePatientIhs(em: EntityManager, a: { personId: string; ihsNumber: string }): Promise<void> {
  await sql(em, `update person set ihs_number = :ihsNumber where id = :personId and ihs_number is null`, a);
}

/** Forgets the person's cached IHS number (the lookup by NIK runs again at the next delivery). */
export async function forgetPatientIhs(tx: EntityManager, a: { personId: string }): Promise<void> {
  await sql(tx, `update person set ihs_number = null where id = :personId`, a);
}

/** The visit's row (created on its first dose), its last dose moved forward to `lastDoseAt`; returns its Encounter id, if any. */
export async function touchVisit(
  em: EntityManager,
  a: { visitKey: string; lastDoseAt: Date },
): Promise<{ remoteId: string | null; status: string } | undefined> {
  await sql(
    em,
    `insert into national_visit (target, visit_key, last_dose_at) values ('SATUSEHAT', :visitKey, :lastDoseAt)
     on conflict (target, visit_key) do update set last_dose_at = greatest(national_visit.last_dose_at, excluded.last_dose_at)`,
    a,
  );
  const visit = await sqlOne<{ remote_id: string | null; status: string }>(
    em,
    `select remote_id, status from national_visit where target = 'SATUSEHAT' and visit_key = :visitKey`,
    { visitKey: a.visitKey },
  );
  return visit && { remoteId: visit.remote_id, status: visit.status };
}

/** The visit's Encounter was created: OPEN, to be finished once the visit is over. */
export async function openVisit(em: EntityManager, a: { visitKey: string; remoteId: string }): Promise<void> {
  await sql(
    em,
    `update national_visit set remote_id = :remoteId, status = 'OPEN', next_finish_at = now() where target = 'SATUSEHAT' and visit_key = :visitKey`,
    a,
  );
}

export interface VisitToFinish {
  visitKey: string;
  remoteId: string;
  finishAttempts: number;
}

/**
 * OPEN visits whose Encounter is due to be finished: over (no dose for `closeMs`, or their Jakarta day is
 * before `today`), nothing of theirs pending, something delivered. At most `limit`, longest waiting first.
 */
export async function visitsToFinish(em: EntityManager, a: { closeMs: number; today: string; limit: number }): Promise<VisitToFinish[]> {
  const rows = await sql<{ visit_key: string; remote_id: string; finish_attempts: number }>(
    em,
    `select v.visit_key, v.remote_id, v.finish_attempts from national_visit v
      where v.target = 'SATUSEHAT' and v.status = 'OPEN' and v.remote_id is not null and v.next_finish_at <= now()
        and (v.last_dose_at < now() - (:closeMs * interval '1 millisecond') or split_part(v.visit_key, '|', 3) < :today)
        and not exists (select 1 from national_delivery d where d.target = 'SATUSEHAT' and d.visit_key = v.visit_key and d.status = 'PENDING')
        and exists (select 1 from national_delivery d where d.target = 'SATUSEHAT' and d.visit_key = v.visit_key and d.status = 'DELIVERED')
      order by v.next_finish_at limit :limit`,
    a,
  );
  return rows.map((r) => ({ visitKey: r.visit_key, remoteId: r.remote_id, finishAttempts: r.finish_attempts }));
}

/** The visit's doses given here and delivered, in the order given, with the person's IHS number. */
export async function deliveredDosesOfVisit(
  em: EntityManager,
  a: { visitKey: string },
): Promise<(RecordRow & { personIhs: string | null })[]> {
  const rows = await sql<RecordColumns & { person_ihs: string | null }>(
    em,
    `select ${RECORD_COLUMNS}, p.ihs_number as person_ihs from national_delivery d join dose_record r on r.id = d.dose_record_id
       join person p on p.id = r.person_id
      where d.target = 'SATUSEHAT' and d.visit_key = :visitKey and d.status = 'DELIVERED' and r.source = 'RECORDED' order by r.administered_at`,
    a,
  );
  return rows.map((r) => ({ ...toRecordRow(r), personIhs: r.person_ihs }));
}

export async function finishVisit(em: EntityManager, a: { visitKey: string }): Promise<void> {
  await sql(
    em,
    `update national_visit set status = 'FINISHED', finished_at = now(), last_error = null where target = 'SATUSEHAT' and visit_key = :visitKey`,
    a,
  );
}

/** Finishing failed: tried again after `delayMs`. */
export async function visitFinishFailed(em: EntityManager, a: { visitKey: string; error: string; delayMs: number }): Promise<void> {
  await sql(
    em,
    `update national_visit set finish_attempts = finish_attempts + 1, last_error = :error,
       next_finish_at = now() + (:delayMs * interval '1 millisecond') where target = 'SATUSEHAT' and visit_key = :visitKey`,
    a,
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';

/**
 * The person aggregate's SQL that the unit of work does not cover: facility links, claim codes, guardians,
 * the child registry's idempotency keys, and the batched reads the policy's loaders make.
 */

/** Links a person to a facility (a walk-in there); nothing when linked already. */
export async function linkToFacility(tx: EntityManager, link: { personId: string; facilityId: string }): Promise<void> {
  await sql(tx, `insert into person_facility_link (person_id, facility_id) values (:personId, :facilityId) on conflict do nothing`, link);
}

/** Consumes the person's claim code when it matches and has not expired; false otherwise (nothing consumed). */
export async function takeClaimCode(tx: EntityManager, code: { personId: string; codeHash: string }): Promise<boolean> {
  const taken = await sql<{ person_id: string }>(
    tx,
    `delete from person_claim_code where person_id = :personId and code_hash = :codeHash and expires_at > now() returning person_id`,
    code,
  );
  return taken.length > 0;
}

/** The person's one claim code (a new one replaces the last). */
export async function saveClaimCode(
  em: EntityManager,
  code: { personId: string; codeHash: string; issuedBy: string; expiresAt: Date },
): Promise<void> {
  await sql(
    em,
    `insert into person_claim_code (person_id, code_hash, issued_by, expires_at) values (:personId, :codeHash, :issuedBy, :expiresAt)
     on conflict (person_id) do update set code_hash = excluded.code_hash, issued_by = excluded.issued_by, expires_at = excluded.expires_at`,
    code,
  );
}

/** Serialises registrations of one child (by its NIK, or its mother and birth date) until the transaction ends. */
export async function lockChildRegistration(tx: EntityManager, lock: { key: string }): Promise<void> {
  await sql(tx, `select pg_advisory_xact_lock(hashtext(:key))`, lock);
}

export async function confirmMotherLink(tx: EntityManager, person: { personId: string }): Promise<void> {
  await sql(tx, `update person set mother_link = 'CONFIRMED' where id = :personId`, person);
}

/** Adds a guardian account to a person; nothing when the account is one already. */
export async function insertGuardian(
  tx: EntityManager,
  guardian: { id: string; personId: string; accountId: string; relationship: string },
): Promise<void> {
  await sql(
    tx,
    `insert into person_guardian (id, person_id, account_id, relationship, created_at) values (:id, :personId, :accountId, :relationship, now())
     on conflict (person_id, account_id) do nothing`,
    guardian,
  );
}

/** The people an account is guardian of, in the order it became so. */
export async function dependantIds(em: EntityManager, account: { accountId: string }): Promise<string[]> {
  const rows = await sql<{ person_id: string }>(
    em,
    `select person_id from person_guardian where account_id = :accountId order by created_at`,
    account,
  );
  return rows.map((r) => r.person_id);
}

/** The people an account may see as a citizen: its own record and its dependants. */
export async function citizenScope(em: EntityManager, account: { accountId: string }): Promise<Set<string>> {
  const rows = await sql<{ id: string }>(
    em,
    `select id from person where account_id = :accountId union select person_id as id from person_guardian where account_id = :accountId`,
    account,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Which of the people are linked to the facility: registered or walked in there, vaccinated there, or holding
 * an appointment there (by registry id or by NIK). The ids must be UUIDs (the caller filters).
 */
export async function linkedToFacility(em: EntityManager, a: { ids: string[]; facilityId: string }): Promise<Set<string>> {
  const rows = await sql<{ id: string }>(
    em,
    `select id from person where id in (:ids) and registered_by_facility_id = :facilityId
     union select person_id as id from dose_record where person_id in (:ids) and facility_id = :facilityId
     union select person_id as id from person_facility_link where person_id in (:ids) and facility_id = :facilityId
     union select p.id from person p join facility_appointment a on a.nik_hash = p.nik_hash and a.facility_id = :facilityId
            where p.id in (:ids) and p.nik_hash is not null
     union select person_id as id from facility_appointment where person_id in (:ids) and facility_id = :facilityId`,
    a,
  );
  return new Set(rows.map((r) => r.id));
}

/** Which of the people are children living in the kelurahan the facility serves. The ids must be UUIDs. */
export async function childrenInFacilityArea(em: EntityManager, a: { ids: string[]; facilityId: string }): Promise<Set<string>> {
  const rows = await sql<{ id: string }>(
    em,
    `select p.id from person p join facility_area fa on fa.kelurahan_code = p.residence_kelurahan_code
      where p.id in (:ids) and p.is_child and fa.facility_id = :facilityId`,
    a,
  );
  return new Set(rows.map((r) => r.id));
}

/** Claims registerChild's idempotency key for the account; false when the account holds it already. */
export async function insertChildKey(tx: EntityManager, k: { accountId: string; key: string; requestHash: string }): Promise<boolean> {
  const inserted = await sql(
    tx,
    `insert into child_registration_key (account_id, key, request_hash) values (:accountId, :key, :requestHash) on conflict do nothing returning 1 as n`,
    k,
  );
  return inserted.length > 0;
}

export interface ChildKeyRow {
  requestHash: string;
  personId: string | null;
}

export async function findChildKey(tx: EntityManager, k: { accountId: string; key: string }): Promise<ChildKeyRow | undefined> {
  const row = await sqlOne<{ request_hash: string; person_id: string | null }>(
    tx,
    `select request_hash, person_id from child_registration_key where account_id = :accountId and key = :key`,
    k,
  );
  return row && { requestHash: row.request_hash, personId: row.person_id };
}

/** The child a key registered (its replay's answer). */
export async function setChildKeyPerson(tx: EntityManager, k: { accountId: string; key: string; personId: string }): Promise<void> {
  await sql(tx, `update child_registration_key set person_id = :personId where account_id = :accountId and key = :key`, k);
}

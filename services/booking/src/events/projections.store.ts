import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlBound, sqlOne, type PersonRegisteredPayload, type UsableStockChangedPayload } from '@victori/shared';
import { appointmentColumns, type AppointmentRow } from '../modules/appointment/appointment.rows.js';

/**
 * Booking's projections of other services' events: usable stock, each person's dose history, the
 * registry of people, guardians and mothers. A bulk run of events is one statement (rows as one JSON
 * array unpacked by jsonb_to_recordset).
 */

export async function upsertStockLevel(tx: EntityManager, p: UsableStockChangedPayload): Promise<void> {
  await sql(
    tx,
    `insert into stock_level (facility_id, product_code, usable_doses, changed_at) values (:facilityId, :productCode, :usableDoses, :at)
     on conflict (facility_id, product_code) do update set usable_doses = excluded.usable_doses, changed_at = excluded.changed_at
      where stock_level.changed_at <= excluded.changed_at`,
    { facilityId: p.facilityId, productCode: p.productCode, usableDoses: p.usableDoses, at: p.at },
  );
}

export async function clearStockLevels(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from stock_level`);
}

export interface DoseHistoryRow {
  /** The dose record's id, or a declaration's. */
  id: string;
  /** The NIK's keyed hash or the registry key. */
  key: string;
  programme: string;
  doseKind: string;
  productCode: string;
  administeredOn: string;
  valid: boolean;
}

/** Doses into the history; an id already there keeps its first row. */
export async function addDoseHistory(tx: EntityManager, rows: DoseHistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sqlBound(
    tx,
    `insert into dose_history (dose_record_id, nik_hash, programme, dose_kind, product_code, administered_on, valid)
     select distinct on (id) id, key, programme, dose_kind, product_code, administered_on, valid
       from jsonb_to_recordset(:rows::jsonb)
         as r(ord int, id uuid, key varchar, programme varchar, dose_kind varchar, product_code varchar, administered_on date, valid boolean)
      order by id, ord
     on conflict (dose_record_id) do nothing`,
    {
      rows: JSON.stringify(
        rows.map((r, ord) => ({
          ord,
          id: r.id,
          key: r.key,
          programme: r.programme,
          dose_kind: r.doseKind,
          product_code: r.productCode,
          administered_on: r.administeredOn,
          valid: r.valid,
        })),
      ),
    },
  );
}

/** A superseded dose record or a decided declaration leaves the history. */
export async function removeDoseHistory(tx: EntityManager, id: string): Promise<void> {
  await sql(tx, `delete from dose_history where dose_record_id = :id`, { id });
}

export async function clearDoseHistory(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from dose_history`);
}

/**
 * Completes the appointment a dose was given for when the slip code matches and the facility is the
 * appointment's, ending its stock promise, the phone's live appointment and counting the session's
 * served; the completed appointment, or undefined when nothing matched.
 */
export async function completeAppointmentWithDose(
  tx: EntityManager,
  d: {
    administeredAt: string;
    doseRecordId: string;
    appointmentId: string;
    slipCode: string;
    facilityId: string;
    nikHash: string | null;
    registryKey: string;
  },
): Promise<AppointmentRow | undefined> {
  return sqlOne<AppointmentRow>(
    tx,
    `with a as (
       update appointment set status = 'COMPLETED', completed_at = :administeredAt, dose_record_id = :doseRecordId
        where id = :appointmentId and slip_code = :slipCode and facility_id = :facilityId and status in ('BOOKED', 'CHECKED_IN')
          and (:nikHash::text is null or nik_hash = :nikHash or nik_hash = :registryKey)
       returning *
     ), stock_free as (
       update stock_commitment set committed = committed - 1 where (facility_id, product_code) = (select facility_id, product_code from a) returning 1
     ), phone_free as (
       update phone_quota set live = live - 1 where phone_hash = (select phone_hash from a) and live > 0 returning 1
     ), served as (
       update session set served_count = served_count + 1 where id = (select session_id from a) returning 1
     )
     select ${appointmentColumns('a')} from a`,
    { ...d },
  );
}

/** People of the registry, a run at once: the latest registration of a person wins. */
export async function upsertRegistryPeople(tx: EntityManager, people: PersonRegisteredPayload[]): Promise<void> {
  if (people.length === 0) return;
  await sqlBound(
    tx,
    `insert into registry_person (person_id, birth_date, sex, residence_kelurahan_code, is_child, nik_hash)
     select distinct on (person_id) person_id, birth_date, sex, residence_kelurahan_code, is_child, nik_hash
       from jsonb_to_recordset(:people::jsonb)
         as p(ord int, person_id uuid, birth_date date, sex varchar, residence_kelurahan_code varchar, is_child boolean, nik_hash varchar)
      order by person_id, ord desc
     on conflict (person_id) do update set birth_date = excluded.birth_date, sex = excluded.sex,
       residence_kelurahan_code = excluded.residence_kelurahan_code, is_child = excluded.is_child, nik_hash = excluded.nik_hash`,
    {
      people: JSON.stringify(
        people.map((p, ord) => ({
          ord,
          person_id: p.personId,
          birth_date: p.birthDate,
          sex: p.sex,
          residence_kelurahan_code: p.residenceKelurahanCode,
          is_child: p.isChild,
          nik_hash: p.nikHash,
        })),
      ),
    },
  );
}

export async function addRegistryGuardian(tx: EntityManager, personId: string, accountId: string): Promise<void> {
  await sql(tx, `insert into registry_guardian (person_id, account_id) values (:personId, :accountId) on conflict do nothing`, {
    personId,
    accountId,
  });
}

export async function setRegistryMother(tx: EntityManager, personId: string, motherNikHash: string): Promise<void> {
  await sql(
    tx,
    `insert into registry_mother (person_id, mother_nik_hash) values (:personId, :motherNikHash)
     on conflict (person_id) do update set mother_nik_hash = excluded.mother_nik_hash`,
    { personId, motherNikHash },
  );
}

export async function clearRegistry(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from registry_mother`);
  await sql(tx, `delete from registry_guardian`);
  await sql(tx, `delete from registry_person`);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppointmentCompleted,
  DoseCorrected,
  DoseDeclarationDecided,
  DoseDeclared,
  DoseRecorded,
  GuardianLinked,
  MotherConfirmed,
  on,
  PersonRegistered,
  publish,
  UsableStockChanged,
  type ConsumerDefinition,
  type DoseRecordPayload,
} from '@victori/shared';
import { appointmentColumns, appointmentPayload, type AppointmentRow } from '../modules/appointment/appointment.rows.js';
import { recordVisitDose } from '../modules/appointment/visit-doses.js';
import { localDateOf } from '../time.js';

/** Usable doses per facility and product, from inventory: the cap on what booking may promise. */
export const stockConsumer: ConsumerDefinition = {
  name: 'booking.stock',
  handlers: [
    on(UsableStockChanged, async (tx, event) => {
      const p = event.payload;
      await tx.execute(
        `insert into stock_level (facility_id, product_code, usable_doses, changed_at) values (?, ?, ?, ?)
         on conflict (facility_id, product_code) do update set usable_doses = excluded.usable_doses, changed_at = excluded.changed_at
          where stock_level.changed_at <= excluded.changed_at`,
        [p.facilityId, p.productCode, p.usableDoses, p.at],
      );
    }),
  ],
  reset: async (tx) => {
    await tx.execute(`delete from stock_level`);
  },
};

/**
 * The identity booking keys a person's appointments and dose history by: the NIK's keyed hash, or for a
 * child without NIK the registry id (not personal data), so one unique index covers both.
 */
export const registryKey = (personId: string): string => `person:${personId}`;

async function rememberDose(tx: EntityManager, d: DoseRecordPayload): Promise<void> {
  await tx.execute(
    `insert into dose_history (dose_record_id, nik_hash, programme, dose_kind, product_code, administered_on, valid)
     values (?, ?, ?, ?, ?, ?::date, ?) on conflict (dose_record_id) do nothing`,
    [d.doseRecordId, d.nikHash ?? registryKey(d.personId), d.programme, d.doseKind, d.productCode, localDateOf(d.administeredAt), d.valid],
  );
}

/**
 * The dose given for an appointment completes it, but only when the slip code the vaccinator entered
 * matches (this is what stopped no-shows being marked vaccinated). Completion ends the appointment's
 * stock promise (inventory's administration event lowers the usable doses themselves). A dose recorded at
 * another facility never completes the appointment: only that facility's staff serve it.
 */
async function completeAppointment(tx: EntityManager, d: DoseRecordPayload): Promise<void> {
  if (!d.appointmentId || !d.slipCode) return;
  const visit = { ...d, appointmentId: d.appointmentId, slipCode: d.slipCode, administeredAt: String(d.administeredAt) };
  if (await recordVisitDose(tx, visit, { nikHash: d.nikHash ?? null, registryKey: registryKey(d.personId) })) return;
  const [row] = await tx.execute<AppointmentRow[]>(
    `with a as (
       update appointment set status = 'COMPLETED', completed_at = ?, dose_record_id = ?
        where id = ? and slip_code = ? and facility_id = ? and status in ('BOOKED', 'CHECKED_IN') and (?::text is null or nik_hash = ? or nik_hash = ?)
       returning *
     ), stock_free as (
       update stock_commitment set committed = committed - 1 where (facility_id, product_code) = (select facility_id, product_code from a) returning 1
     ), phone_free as (
       update phone_quota set live = live - 1 where phone_hash = (select phone_hash from a) and live > 0 returning 1
     ), served as (
       update session set served_count = served_count + 1 where id = (select session_id from a) returning 1
     )
     select ${appointmentColumns('a')} from a`,
    [
      d.administeredAt,
      d.doseRecordId,
      d.appointmentId,
      d.slipCode.trim().toUpperCase(),
      d.facilityId,
      d.nikHash,
      d.nikHash,
      registryKey(d.personId),
    ],
  );
  if (row) await publish(tx, 'booking', AppointmentCompleted, row.id, appointmentPayload(row));
}

/** Each person's dose history (eligibility), and completion of the appointments the doses were given for. */
export const doseConsumer: ConsumerDefinition = {
  name: 'booking.doses',
  handlers: [
    on(DoseRecorded, async (tx, event) => {
      await rememberDose(tx, event.payload);
      await completeAppointment(tx, event.payload);
    }),
    on(DoseCorrected, async (tx, event) => {
      await tx.execute(`delete from dose_history where dose_record_id = ?`, [event.payload.supersededDoseRecordId]);
      if (event.payload.record) await rememberDose(tx, event.payload.record);
    }),
    // Doses given elsewhere count for eligibility (keyed by the declaration's id) until a health worker decides:
    // a rejection removes them, a confirmation too, because its dose.recorded counts instead.
    on(DoseDeclared, async (tx, event) => {
      const d = event.payload;
      await tx.execute(
        `insert into dose_history (dose_record_id, nik_hash, programme, dose_kind, product_code, administered_on, valid)
         values (?, ?, ?, ?, ?, ?::date, true) on conflict (dose_record_id) do nothing`,
        [d.declaredDoseId, d.nikHash ?? registryKey(d.personId), d.programme, d.doseKind, d.source, d.givenOn],
      );
    }),
    on(DoseDeclarationDecided, async (tx, event) => {
      await tx.execute(`delete from dose_history where dose_record_id = ?`, [event.payload.declaredDoseId]);
    }),
  ],
  reset: async (tx) => {
    await tx.execute(`delete from dose_history`);
  },
};

/** Who may be booked by registry id, and by which accounts: immunization's people and guardian links. */
export const registryConsumer: ConsumerDefinition = {
  name: 'booking.registry',
  handlers: [
    on(PersonRegistered, async (tx, event) => {
      const p = event.payload;
      await tx.execute(
        `insert into registry_person (person_id, birth_date, sex, residence_kelurahan_code, is_child, nik_hash) values (?, ?::date, ?, ?, ?, ?)
         on conflict (person_id) do update set birth_date = excluded.birth_date, sex = excluded.sex,
           residence_kelurahan_code = excluded.residence_kelurahan_code, is_child = excluded.is_child, nik_hash = excluded.nik_hash`,
        [p.personId, p.birthDate, p.sex, p.residenceKelurahanCode, p.isChild, p.nikHash],
      );
    }),
    on(GuardianLinked, async (tx, event) => {
      await tx.execute(`insert into registry_guardian (person_id, account_id) values (?, ?) on conflict do nothing`, [
        event.payload.personId,
        event.payload.accountId,
      ]);
    }),
    on(MotherConfirmed, async (tx, event) => {
      await tx.execute(
        `insert into registry_mother (person_id, mother_nik_hash) values (?, ?) on conflict (person_id) do update set mother_nik_hash = excluded.mother_nik_hash`,
        [event.payload.personId, event.payload.motherNikHash],
      );
    }),
  ],
  reset: async (tx) => {
    await tx.execute(`delete from registry_mother`);
    await tx.execute(`delete from registry_guardian`);
    await tx.execute(`delete from registry_person`);
  },
};

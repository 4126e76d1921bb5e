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
  onBatch,
  PersonRegistered,
  publish,
  UsableStockChanged,
  type ConsumerDefinition,
  type DoseRecordPayload,
} from '@victori/shared';
import { appointmentPayload } from '../modules/appointment/appointment.rows.js';
import { recordVisitDose } from '../modules/appointment/visit-doses.js';
import { localDateOf } from '../time.js';
import {
  addDoseHistory,
  addRegistryGuardian,
  clearDoseHistory,
  clearRegistry,
  clearStockLevels,
  completeAppointmentWithDose,
  removeDoseHistory,
  setRegistryMother,
  upsertRegistryPeople,
  upsertStockLevel,
  type DoseHistoryRow,
} from './projections.store.js';

/** Usable doses per facility and product, from inventory: the cap on what booking may promise. */
export const stockConsumer: ConsumerDefinition = {
  name: 'booking.stock',
  handlers: [on(UsableStockChanged, (tx, event) => upsertStockLevel(tx, event.payload))],
  reset: (tx) => clearStockLevels(tx),
};

/**
 * The identity booking keys a person's appointments and dose history by: the NIK's keyed hash, or for a
 * child without NIK the registry id (not personal data), so one unique index covers both.
 */
export const registryKey = (personId: string): string => `person:${personId}`;

const historyRow = (d: DoseRecordPayload): DoseHistoryRow => ({
  id: d.doseRecordId,
  key: d.nikHash ?? registryKey(d.personId),
  programme: d.programme,
  doseKind: d.doseKind,
  productCode: d.productCode,
  administeredOn: localDateOf(d.administeredAt),
  valid: d.valid,
});

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
  const row = await completeAppointmentWithDose(tx, {
    administeredAt: d.administeredAt,
    doseRecordId: d.doseRecordId,
    appointmentId: d.appointmentId,
    slipCode: d.slipCode.trim().toUpperCase(),
    facilityId: d.facilityId,
    nikHash: d.nikHash,
    registryKey: registryKey(d.personId),
  });
  if (row) await publish(tx, 'booking', AppointmentCompleted, row.id, appointmentPayload(row));
}

/**
 * A run of recorded doses (a bulk import delivers thousands): the history in one statement, then
 * the few doses given for an appointment complete it, in order.
 */
async function onDosesRecorded(tx: EntityManager, doses: DoseRecordPayload[]): Promise<void> {
  await addDoseHistory(tx, doses.map(historyRow));
  for (const d of doses) await completeAppointment(tx, d);
}

/** Each person's dose history (eligibility), and completion of the appointments the doses were given for. */
export const doseConsumer: ConsumerDefinition = {
  name: 'booking.doses',
  handlers: [
    onBatch(DoseRecorded, (tx, events) =>
      onDosesRecorded(
        tx,
        events.map((e) => e.payload),
      ),
    ),
    on(DoseCorrected, async (tx, event) => {
      await removeDoseHistory(tx, event.payload.supersededDoseRecordId);
      if (event.payload.record) await addDoseHistory(tx, [historyRow(event.payload.record)]);
    }),
    // Doses given elsewhere count for eligibility (keyed by the declaration's id) until a health worker decides:
    // a rejection removes them, a confirmation too, because its dose.recorded counts instead.
    on(DoseDeclared, async (tx, event) => {
      const d = event.payload;
      await addDoseHistory(tx, [
        {
          id: d.declaredDoseId,
          key: d.nikHash ?? registryKey(d.personId),
          programme: d.programme,
          doseKind: d.doseKind,
          productCode: d.source,
          administeredOn: d.givenOn,
          valid: true,
        },
      ]);
    }),
    on(DoseDeclarationDecided, (tx, event) => removeDoseHistory(tx, event.payload.declaredDoseId)),
  ],
  reset: (tx) => clearDoseHistory(tx),
};

/** Who may be booked by registry id, and by which accounts: immunization's people and guardian links. */
export const registryConsumer: ConsumerDefinition = {
  name: 'booking.registry',
  handlers: [
    onBatch(PersonRegistered, (tx, events) =>
      upsertRegistryPeople(
        tx,
        events.map((e) => e.payload),
      ),
    ),
    on(GuardianLinked, (tx, event) => addRegistryGuardian(tx, event.payload.personId, event.payload.accountId)),
    on(MotherConfirmed, (tx, event) => setRegistryMother(tx, event.payload.personId, event.payload.motherNikHash)),
  ],
  reset: (tx) => clearRegistry(tx),
};

import {
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentCheckedIn,
  AppointmentCompleted,
  AppointmentNoShow,
  AppointmentRescheduled,
  on,
  type AppointmentPayload,
  type ConsumerDefinition,
} from '@victori/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

async function remember(tx: EntityManager, p: AppointmentPayload): Promise<void> {
  await tx.execute(
    `insert into facility_appointment (id, facility_id, session_date, nik_hash, person_id, status) values (?, ?, ?::date, ?, ?, ?)
     on conflict (id) do update set facility_id = excluded.facility_id, session_date = excluded.session_date,
       nik_hash = excluded.nik_hash, person_id = excluded.person_id, status = excluded.status`,
    [p.appointmentId, p.facilityId, p.sessionDate, p.personId ? null : p.nikHash, p.personId ?? null, p.status],
  );
}

/**
 * Booking's appointments, as far as the access policy needs them: which facility holds a person's
 * appointment and for which day (src/policy.ts). Events of one appointment arrive in order.
 */
export const appointmentsConsumer: ConsumerDefinition = {
  name: 'immunization.appointments',
  handlers: [
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentRescheduled,
    AppointmentCheckedIn,
    AppointmentCompleted,
    AppointmentNoShow,
  ].map((type) => on(type, async (tx, event) => remember(tx, event.payload))),
  reset: async (tx) => {
    await tx.execute(`delete from facility_appointment`);
  },
};

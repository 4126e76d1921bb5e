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
import { forgetAppointments, upsertAppointment } from './projections.store.js';

async function remember(tx: EntityManager, p: AppointmentPayload): Promise<void> {
  await upsertAppointment(tx, {
    appointmentId: p.appointmentId,
    facilityId: p.facilityId,
    sessionDate: p.sessionDate,
    nikHash: p.personId ? null : p.nikHash,
    personId: p.personId ?? null,
    status: p.status,
  });
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
  reset: async (tx) => forgetAppointments(tx),
};

import { z } from 'zod';
import { defineEvent } from '../envelope.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const time = z.string().regex(/^\d{2}:\d{2}$/);

export const appointmentPayload = z.object({
  appointmentId: z.string().uuid(),
  sessionId: z.string().uuid(),
  slotId: z.string().uuid(),
  facilityId: z.string().uuid(),
  programme: z.string(),
  productCode: z.string(),
  doseKind: z.string(),
  sessionDate: isoDate,
  /** BOOKED, CHECKED_IN, COMPLETED, CANCELLED, NO_SHOW */
  status: z.string(),
  nikHash: z.string().nullable(),
  /** The registry id (Person.id) when booked by it, for a dependant without NIK; absent in older events. */
  personId: z.string().uuid().nullable().optional(),
  walkIn: z.boolean(),
  /** Set on appointment.rescheduled: where the appointment was before. */
  previous: z
    .object({ sessionId: z.string().uuid(), slotId: z.string().uuid(), facilityId: z.string().uuid(), sessionDate: isoDate })
    .nullable()
    .optional(),
});
export type AppointmentPayload = z.infer<typeof appointmentPayload>;

/** aggregateId of every appointment event: appointmentId */
export const AppointmentBooked = defineEvent('appointment.booked', 1, appointmentPayload);
export const AppointmentCancelled = defineEvent('appointment.cancelled', 1, appointmentPayload);
export const AppointmentRescheduled = defineEvent('appointment.rescheduled', 1, appointmentPayload);
export const AppointmentCheckedIn = defineEvent('appointment.checked-in', 1, appointmentPayload);
export const AppointmentCompleted = defineEvent('appointment.completed', 1, appointmentPayload);
export const AppointmentNoShow = defineEvent('appointment.no-show', 1, appointmentPayload);

export const sessionPayload = z.object({
  sessionId: z.string().uuid(),
  facilityId: z.string().uuid(),
  date: isoDate,
  startTime: time,
  endTime: time,
  programme: z.string(),
  productCode: z.string(),
  doseKinds: z.array(z.string()),
  capacity: z.number().int().nonnegative(),
  /** OPEN or CLOSED */
  status: z.string(),
});
export type SessionPayload = z.infer<typeof sessionPayload>;

/** aggregateId of every session event: sessionId */
export const SessionOpened = defineEvent('session.opened', 1, sessionPayload);
export const SessionChanged = defineEvent('session.changed', 1, sessionPayload);
export const SessionClosed = defineEvent('session.closed', 1, sessionPayload);

/** A facility was created or changed (booking owns facilities). aggregateId: facilityId */
export const FacilityUpserted = defineEvent(
  'facility.upserted',
  1,
  z.object({
    facilityId: z.string().uuid(),
    code: z.string(),
    name: z.string(),
    type: z.string(),
    kelurahanCode: z.string(),
    kecamatanCode: z.string(),
    active: z.boolean(),
    /** The facility's SATUSEHAT Organization and Location ids (null until an admin registers them); absent in older events. */
    satusehatOrganizationId: z.string().nullable().optional(),
    satusehatLocationId: z.string().nullable().optional(),
  }),
);
export type FacilityUpsertedPayload = z.infer<typeof FacilityUpserted.schema>;

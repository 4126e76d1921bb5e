import { randomBytes, randomUUID } from 'node:crypto';
import { AppointmentCompleted, on, type ConsumerDefinition } from '@victori/shared';
import { deleteUnansweredInvitations, insertInvitation } from '../modules/survey/survey.store.js';

/**
 * booking's appointment.completed: one survey invitation per completed visit (the inbox makes each event
 * count once; the store keeps one per appointment). A projection, so it writes through the store directly.
 */
export const appointmentsConsumer: ConsumerDefinition = {
  name: 'feedback.appointments',
  handlers: [
    on(AppointmentCompleted, async (tx, event) => {
      await insertInvitation(tx, {
        id: randomUUID(),
        appointmentId: event.payload.appointmentId,
        facilityId: event.payload.facilityId,
        visitDate: event.payload.sessionDate,
        token: randomBytes(32).toString('base64url'),
        createdAt: new Date(event.occurredAt),
        answeredAt: null,
      });
    }),
  ],
  // A rebuild re-creates the unanswered invitations; answered ones keep their answers' link.
  reset: (tx) => deleteUnansweredInvitations(tx),
};

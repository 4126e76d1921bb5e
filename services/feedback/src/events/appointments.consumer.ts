import { randomUUID } from 'node:crypto';
import { AppointmentCompleted, on, type ConsumerDefinition } from '@victori/shared';
import type { FeedbackConfig } from '../config.js';
import { surveyToken, tokenHash } from '../modules/survey/survey.rules.js';
import { deleteUnansweredInvitations, insertInvitation } from '../modules/survey/survey.store.js';

const DAY = 86_400_000;

/**
 * booking's appointment.completed: one survey invitation per completed visit (the inbox makes each event
 * count once; the store keeps one per appointment), with the hash of its single-use link token and the
 * link's end. A projection, so it writes through the store directly.
 */
export function appointmentsConsumer(settings: { config: FeedbackConfig; surveyKey: Buffer }): ConsumerDefinition {
  return {
    name: 'feedback.appointments',
    handlers: [
      on(AppointmentCompleted, async (tx, event) => {
        const id = randomUUID();
        const createdAt = new Date(event.occurredAt);
        await insertInvitation(tx, {
          id,
          appointmentId: event.payload.appointmentId,
          facilityId: event.payload.facilityId,
          visitDate: event.payload.sessionDate,
          tokenHash: tokenHash(surveyToken(settings.surveyKey, id)),
          createdAt,
          expiresAt: new Date(createdAt.getTime() + settings.config.surveyTokenDays * DAY),
          answeredAt: null,
        });
      }),
    ],
    // A rebuild re-creates the unanswered invitations; answered ones keep their answers' link.
    reset: (tx) => deleteUnansweredInvitations(tx),
  };
}

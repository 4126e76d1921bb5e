import { AppointmentCompleted, on, type ConsumerDefinition } from '@victori/shared';
import { SurveyInvitationEntity } from '../modules/survey/survey.entity.js';
import { inviteForVisit } from '../modules/survey/survey.service.js';

/** booking's appointment.completed: one survey invitation per completed visit (the inbox makes it exactly once). */
export const appointmentsConsumer: ConsumerDefinition = {
  name: 'feedback.appointments',
  handlers: [
    on(AppointmentCompleted, async (tx, event) => {
      await inviteForVisit(tx, {
        appointmentId: event.payload.appointmentId,
        facilityId: event.payload.facilityId,
        visitDate: event.payload.sessionDate,
        at: new Date(event.occurredAt),
      });
    }),
  ],
  reset: async (tx) => {
    // Answered invitations keep their answers' link; a rebuild re-creates only the unanswered ones.
    await tx.nativeDelete(SurveyInvitationEntity, { answeredAt: null });
  },
};

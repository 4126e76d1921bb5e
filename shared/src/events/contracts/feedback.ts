import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** Complaint events carry no text of the complaint and no person: ids, codes and times only. aggregateId: complaintId. */
const complaintPayload = z.object({
  complaintId: z.string().uuid(),
  reference: z.string(),
  /** null: the city office's queue (website complaints). */
  facilityId: z.string().uuid().nullable(),
  subjectType: z.string(),
  category: z.string(),
  /** SUBMITTED, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED, REJECTED */
  status: z.string(),
  at: z.string().datetime({ offset: true }),
});
export type ComplaintPayload = z.infer<typeof complaintPayload>;

export const ComplaintSubmitted = defineEvent('complaint.submitted', 1, complaintPayload);
export const ComplaintStatusChanged = defineEvent('complaint.status-changed', 1, complaintPayload);

/** A deadline of the national complaint rules (SP4N-LAPOR!) passed: the first response, or the resolution. */
export const ComplaintEscalated = defineEvent(
  'complaint.escalated',
  1,
  complaintPayload.extend({
    /** FIRST_RESPONSE or RESOLUTION */
    deadline: z.string(),
    dueAt: z.string().datetime({ offset: true }),
  }),
);
export type ComplaintEscalatedPayload = z.infer<typeof ComplaintEscalated.schema>;

/** A visitor answered the satisfaction survey of a visit (no answers in the event). aggregateId: invitationId. */
export const SurveyAnswered = defineEvent(
  'survey.answered',
  1,
  z.object({
    invitationId: z.string().uuid(),
    facilityId: z.string().uuid(),
    visitDate: z.string(),
    at: z.string().datetime({ offset: true }),
  }),
);

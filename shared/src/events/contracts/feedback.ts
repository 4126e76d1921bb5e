import { z } from 'zod';
import { defineEvent } from '../envelope.js';

/** A feedback record was created. aggregateId: the record id. Producer: feedback. */
export const FeedbackRecordCreated = defineEvent(
  'feedback.record-created',
  1,
  z.object({
    recordId: z.string().uuid(),
    facilityId: z.string().uuid(),
    at: z.string().datetime({ offset: true }),
  }),
);
export type FeedbackRecordCreatedPayload = z.infer<typeof FeedbackRecordCreated.schema>;

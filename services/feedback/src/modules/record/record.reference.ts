import type { FeedbackContext } from '../../context.js';
import { feedbackPolicy } from '../../policy.js';
import { toRecord } from './record.resolver.js';

/** Federation: other subgraphs' `FeedbackRecord { id }` resolved here, batched through the request's loader. */
export const recordReference = {
  FeedbackRecord: {
    async __resolveReference(ref: { id: string }, ctx: FeedbackContext) {
      feedbackPolicy.record(ctx.request.claims, 'before');
      const row = await ctx.loaders.record.load(ref.id);
      if (!row) return null;
      feedbackPolicy.record(ctx.request.claims, row.facilityId);
      return toRecord(row);
    },
  },
};

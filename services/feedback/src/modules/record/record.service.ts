import { randomUUID } from 'node:crypto';
import { publish } from '@victori/shared';
import { FeedbackRecordCreated } from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { feedbackPolicy } from '../../policy.js';
import { checkRecord } from './record.rules.js';
import { insertRecord, type RecordRow } from './record.store.js';

const actorOf = (ctx: FeedbackContext): string => `${ctx.request.claims.role}:${ctx.request.claims.sub ?? 'unknown'}`;

/** One record by id: its facility's health workers and admins. */
export async function getRecord(ctx: FeedbackContext, id: string): Promise<RecordRow> {
  feedbackPolicy.record(ctx.request.claims, 'before');
  const row = await ctx.loaders.record.load(id);
  feedbackPolicy.record(ctx.request.claims, row?.facilityId);
  return row!;
}

/** A facility's newest records (at most FEEDBACK_LIST_LIMIT). */
export async function facilityRecords(ctx: FeedbackContext, facilityId: string): Promise<RecordRow[]> {
  feedbackPolicy.facilityRecords(ctx.request.claims, facilityId);
  return ctx.loaders.facilityRecords.load(facilityId);
}

/** Creates a record and publishes `feedback.record-created` in the same transaction. */
export async function createRecord(ctx: FeedbackContext, input: { facilityId: string; title: string }): Promise<RecordRow> {
  feedbackPolicy.facilityRecords(ctx.request.claims, input.facilityId);
  const draft = checkRecord(input);
  return ctx.em.transactional(async (tx) => {
    const row = await insertRecord(tx, { id: randomUUID(), ...draft, createdBy: actorOf(ctx), createdAt: new Date() });
    await publish(tx, 'feedback', FeedbackRecordCreated, row.id, {
      recordId: row.id,
      facilityId: row.facilityId,
      at: row.createdAt.toISOString(),
    });
    return row;
  });
}

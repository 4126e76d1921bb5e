import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FeedbackContext } from '../../context.js';
import { FacilityRef, facilityRef } from '../../external/facility.stub.js';
import { CreateFeedbackRecordInput } from './record.inputs.js';
import { createRecord, facilityRecords, getRecord } from './record.service.js';
import type { RecordRow } from './record.store.js';
import { FeedbackRecord } from './record.type.js';

export const toRecord = (row: RecordRow): FeedbackRecord =>
  Object.assign(new FeedbackRecord(), {
    id: row.id,
    title: row.title,
    facility: facilityRef(row.facilityId),
    createdAt: row.createdAt.toISOString(),
  });

@Resolver(() => FeedbackRecord)
export class FeedbackRecordResolver {
  @Query(() => FeedbackRecord, { description: 'One record. Health workers of its facility and admins.' })
  async feedbackRecord(@Ctx() ctx: FeedbackContext, @Arg('id', () => ID) id: string): Promise<FeedbackRecord> {
    return toRecord(await getRecord(ctx, id));
  }

  @Mutation(() => FeedbackRecord, { description: 'Creates a record of a facility. Its health workers and admins.' })
  async createFeedbackRecord(
    @Ctx() ctx: FeedbackContext,
    @Arg('input', () => CreateFeedbackRecordInput) input: CreateFeedbackRecordInput,
  ): Promise<FeedbackRecord> {
    return toRecord(await createRecord(ctx, input));
  }
}

@Resolver(() => FacilityRef)
export class FacilityRecordsResolver {
  @FieldResolver(() => [FeedbackRecord], { description: "The facility's newest feedback records. Its health workers and admins." })
  async feedbackRecords(@Root() facility: FacilityRef, @Ctx() ctx: FeedbackContext): Promise<FeedbackRecord[]> {
    return (await facilityRecords(ctx, facility.id)).map(toRecord);
  }
}

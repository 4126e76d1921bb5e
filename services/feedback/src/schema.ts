import { buildFederatedSchema } from '@victori/shared';
import { FacilityRef } from './external/facility.stub.js';
import { recordReference } from './modules/record/record.reference.js';
import { FacilityRecordsResolver, FeedbackRecordResolver } from './modules/record/record.resolver.js';

export function buildFeedbackSchema() {
  return buildFederatedSchema(
    { resolvers: [FeedbackRecordResolver, FacilityRecordsResolver], orphanedTypes: [FacilityRef] },
    { ...recordReference },
  );
}

import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { AppointmentRef } from './external/appointment.stub.js';
import { FacilityRef } from './external/facility.stub.js';
import { ComplaintResolver, FacilityComplaintsResolver } from './modules/complaint/complaint.resolver.js';
import { FaqResolver } from './modules/faq/faq.resolver.js';
import { AppointmentSurveyResolver, FacilitySatisfactionResolver, SurveyResolver } from './modules/survey/survey.resolver.js';

export function buildFeedbackSchema() {
  return buildFederatedSchema({
    resolvers: [
      ...createEventAdminResolver('feedback'),
      ComplaintResolver,
      FacilityComplaintsResolver,
      FaqResolver,
      SurveyResolver,
      FacilitySatisfactionResolver,
      AppointmentSurveyResolver,
    ],
    orphanedTypes: [FacilityRef, AppointmentRef],
  });
}

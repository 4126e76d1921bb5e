import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { facilityReference } from './modules/facility/facility.reference.js';
import { FacilityResolver } from './modules/facility/facility.resolver.js';

export function buildBookingSchema() {
  return buildFederatedSchema({ resolvers: [createEventAdminResolver('booking'), FacilityResolver] }, { ...facilityReference });
}

import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { AppointmentResolver } from './modules/appointment/appointment.resolver.js';
import { facilityReference } from './modules/facility/facility.reference.js';
import { FacilityResolver } from './modules/facility/facility.resolver.js';
import { sessionReference, SessionResolver } from './modules/session/session.resolver.js';

export function buildBookingSchema() {
  return buildFederatedSchema(
    { resolvers: [...createEventAdminResolver('booking'), FacilityResolver, SessionResolver, AppointmentResolver] },
    { ...facilityReference, ...sessionReference },
  );
}

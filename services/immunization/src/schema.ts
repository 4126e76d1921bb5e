import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { PersonResolver } from './modules/person/person.resolver.js';

export function buildImmunizationSchema() {
  return buildFederatedSchema({ resolvers: [createEventAdminResolver('immunization'), PersonResolver] }, {});
}

import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { areaReference } from './modules/area/area.reference.js';
import { AreaResolver } from './modules/area/area.resolver.js';

export function buildReportingSchema() {
  return buildFederatedSchema({ resolvers: [createEventAdminResolver('reporting'), AreaResolver] }, { ...areaReference });
}

import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { ProjectionLagResolver } from './events/projection-lag.resolver.js';
import { areaReference } from './modules/area/area.reference.js';
import { AreaResolver } from './modules/area/area.resolver.js';
import { ReportResolver } from './modules/report/report.resolver.js';
import { TargetResolver } from './modules/target/target.resolver.js';

export function buildReportingSchema() {
  return buildFederatedSchema(
    { resolvers: [...createEventAdminResolver('reporting'), AreaResolver, ReportResolver, TargetResolver, ProjectionLagResolver] },
    { ...areaReference },
  );
}

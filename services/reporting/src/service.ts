import type { ServiceDefinition } from '@victori/shared';
import { createContext, type ReportingContext } from './context.js';
import { migrations } from './migrations/index.js';
import { AreaEntity } from './modules/area/area.entity.js';
import { buildReportingSchema } from './schema.js';
import { seedAreas } from './seeders/areas.seeder.js';

export const reportingService: ServiceDefinition<ReportingContext> = {
  name: 'reporting',
  entities: [AreaEntity],
  migrations,
  buildSchema: buildReportingSchema,
  createContext,
  seed: seedAreas,
};

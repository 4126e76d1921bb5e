import type { Claims, ServiceDefinition } from '@victori/shared';
import { reportingSettings } from './config.js';
import { createContext, type ReportingContext } from './context.js';
import { coverageConsumer } from './events/coverage.consumer.js';
import { operationsConsumer } from './events/operations.consumer.js';
import { migrations } from './migrations/index.js';
import { AreaEntity } from './modules/area/area.entity.js';
import { importTargetsFile } from './modules/target/target.service.js';
import { buildReportingSchema } from './schema.js';
import { seedAreas } from './seeders/areas.seeder.js';
import { seedBoosterTargets } from './seeders/targets.seeder.js';

/** The target import command is the city office's own tool: it runs as a system admin (reportingPolicy.importTargets). */
const IMPORT_COMMAND: Claims = { role: 'admin', sub: 'import-targets' };

export const reportingService: ServiceDefinition<ReportingContext> = {
  name: 'reporting',
  entities: [AreaEntity],
  migrations,
  buildSchema: buildReportingSchema,
  // A wrong REPORTING_* setting fails at start, not on the first request.
  checkConfig: (config) => {
    reportingSettings(config);
  },
  createContext,
  consumers: (config) => [coverageConsumer(reportingSettings(config)), operationsConsumer(reportingSettings(config))],
  seed: async (orm) => {
    await seedAreas(orm);
    await seedBoosterTargets(orm);
  },
  commands: {
    /** `npm run import -- targets <file.csv>` */
    'import-targets': async (runtime, args) => {
      const file = args[0];
      if (!file) throw new Error('usage: npm run import -- targets <file.csv>');
      const summary = await importTargetsFile(runtime.orm.em.fork(), IMPORT_COMMAND, file);
      process.stdout.write(`targets: ${summary.imported} imported (${summary.created} new, ${summary.updated} replaced)\n`);
    },
  },
};

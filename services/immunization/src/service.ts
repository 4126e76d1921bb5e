import type { ServiceDefinition } from '@victori/shared';
import { createContext, vaultFor, type ImmunizationContext } from './context.js';
import { immunizationSettings } from './config.js';
import { importDosesCommand } from './import/import-doses.js';
import { migrations } from './migrations/index.js';
import { AdverseEventEntity } from './modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from './modules/dose/dose.entity.js';
import { GuardianEntity } from './modules/guardian/guardian.entity.js';
import { PersonEntity } from './modules/person/person.entity.js';
import { DeliveryWorker } from './satusehat/delivery.worker.js';
import { buildImmunizationSchema } from './schema.js';
import { seedDemoPeople } from './seeders/demo-people.seeder.js';

export const immunizationService: ServiceDefinition<ImmunizationContext> = {
  name: 'immunization',
  entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
  migrations,
  buildSchema: buildImmunizationSchema,
  createContext,
  commands: {
    'import-doses': importDosesCommand,
  },
  /** Delivers dose records to SATUSEHAT in the background. */
  async startBackground(runtime) {
    const worker = new DeliveryWorker(runtime.orm, vaultFor(runtime), immunizationSettings(runtime.config), runtime.logger);
    worker.start();
    runtime.onClose(() => worker.stop());
  },
  demo: (runtime) => seedDemoPeople(runtime.orm, vaultFor(runtime)),
  metrics: async (runtime) => {
    const rows = await runtime.orm.em
      .fork()
      .execute<{ status: string; n: string }[]>(`select status, count(*) as n from national_delivery group by status`);
    return { nationalDelivery: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) };
  },
};

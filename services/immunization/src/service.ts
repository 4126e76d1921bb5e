import type { ServiceDefinition } from '@victori/shared';
import { createContext, vaultFor, type ImmunizationContext } from './context.js';
import { immunizationSettings } from './config.js';
import { appointmentsConsumer } from './events/appointments.consumer.js';
import { importDosesCommand } from './import/import-doses.js';
import { migrations } from './migrations/index.js';
import { AdverseEventEntity } from './modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from './modules/dose/dose.entity.js';
import { GuardianEntity } from './modules/guardian/guardian.entity.js';
import { PersonEntity } from './modules/person/person.entity.js';
import { DeliveryWorker } from './satusehat/delivery.worker.js';
import { deliveryHealth } from './satusehat/delivery.health.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { buildImmunizationSchema } from './schema.js';
import { seedDemoPeople } from './seeders/demo-people.seeder.js';

export const immunizationService: ServiceDefinition<ImmunizationContext> = {
  name: 'immunization',
  entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
  migrations,
  buildSchema: buildImmunizationSchema,
  createContext,
  // Production without SATUSEHAT_BASE_URL: the context reads these settings for every request.
  checkConfig: (config) => {
    immunizationSettings(config);
  },
  consumers: [appointmentsConsumer],
  commands: {
    'import-doses': importDosesCommand,
  },
  /** Delivers dose records to SATUSEHAT in the background. */
  async startBackground(runtime) {
    const settings = immunizationSettings(runtime.config);
    if (settings.satusehat.delivery === 'off') {
      runtime.logger.warn('SATUSEHAT_DELIVERY=off: dose records are queued for the national record but not sent');
      return;
    }
    const worker = new DeliveryWorker(runtime.orm, vaultFor(runtime), settings, runtime.logger);
    worker.start();
    runtime.onClose(() => worker.stop());
  },
  /** `degraded` with the backlog and the oldest pending age while deliveries are stuck. */
  ready: async (runtime) => {
    const { satusehat } = immunizationSettings(runtime.config);
    return { nationalDelivery: await deliveryHealth(runtime.orm.em.fork() as EntityManager, satusehat.stuckAfterMs, satusehat.delivery) };
  },
  prometheus: (metrics, runtime) => {
    const health = () => {
      const { satusehat } = immunizationSettings(runtime.config);
      return deliveryHealth(runtime.orm.em.fork() as EntityManager, satusehat.stuckAfterMs, satusehat.delivery);
    };
    metrics.gauge('victori_national_delivery_backlog', 'Dose records waiting to reach SATUSEHAT', [], async () => [
      { labels: {}, value: (await health()).backlog },
    ]);
    metrics.gauge('victori_national_delivery_oldest_pending_seconds', 'Age of the oldest record waiting for SATUSEHAT', [], async () => [
      { labels: {}, value: (await health()).oldestPendingSeconds },
    ]);
  },
  demo: (runtime) => seedDemoPeople(runtime.orm, vaultFor(runtime)),
  metrics: async (runtime) => {
    const rows = await runtime.orm.em
      .fork()
      .execute<{ status: string; n: string }[]>(`select status, count(*) as n from national_delivery group by status`);
    return { nationalDelivery: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) };
  },
};

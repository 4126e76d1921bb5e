import type { ServiceDefinition } from '@victori/shared';
import { createContext, vaultFor, type ImmunizationContext } from './context.js';
import { immunizationSettings, type ImmunizationSettings } from './config.js';
import { appointmentsConsumer } from './events/appointments.consumer.js';
import { facilitiesConsumer } from './events/facilities.consumer.js';
import { importDosesCommand } from './import/import-doses.js';
import { migrations } from './migrations/index.js';
import { AdverseEventEntity } from './modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from './modules/dose/dose.entity.js';
import { deliveryCountsByStatus } from './modules/dose/dose.store.js';
import { GuardianEntity } from './modules/guardian/guardian.entity.js';
import { PersonEntity } from './modules/person/person.entity.js';
import { DeliveryWorker } from './satusehat/delivery.worker.js';
import { deliveryHealth } from './satusehat/delivery.health.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { buildImmunizationSchema } from './schema.js';
import { seedDemoPeople } from './seeders/demo-people.seeder.js';
import { seedFacilityAreas } from './seeders/facility-area.seeder.js';
import { seedDemoPractitioners } from './satusehat/demo-practitioners.js';

/** The national targets this deployment delivers to. */
const targetsOn = (s: ImmunizationSettings) => [
  ...(s.satusehat.delivery === 'on' ? ['SATUSEHAT'] : []),
  ...(s.pcare.delivery === 'on' ? ['PCARE'] : []),
];

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
  consumers: [appointmentsConsumer, facilitiesConsumer],
  // The kelurahan of every seeded facility (those created later arrive by facility.upserted).
  seed: seedFacilityAreas,
  commands: {
    'import-doses': importDosesCommand,
  },
  /** Delivers dose records to SATUSEHAT and to BPJS PCare in the background, one worker per target. */
  async startBackground(runtime) {
    const settings = immunizationSettings(runtime.config);
    const targets = [
      { target: 'SATUSEHAT', delivery: settings.satusehat.delivery, off: 'SATUSEHAT_DELIVERY=off' },
      { target: 'PCARE', delivery: settings.pcare.delivery, off: 'PCARE_DELIVERY=off' },
    ] as const;
    for (const t of targets) {
      if (t.delivery === 'off') {
        runtime.logger.warn(`${t.off}: dose records are queued for ${t.target} but not sent`);
        continue;
      }
      const worker = new DeliveryWorker(runtime.orm, vaultFor(runtime), settings, runtime.logger, fetch, {}, t.target);
      worker.start();
      runtime.onClose(() => worker.stop());
    }
  },
  /** `degraded` with the backlog and the oldest pending age while deliveries are stuck. */
  ready: async (runtime) => {
    const settings = immunizationSettings(runtime.config);
    return {
      nationalDelivery: await deliveryHealth(
        runtime.orm.em.fork() as EntityManager,
        settings.satusehat.stuckAfterMs,
        targetsOn(settings).length ? 'on' : 'off',
        targetsOn(settings),
      ),
    };
  },
  prometheus: (metrics, runtime) => {
    const health = () => {
      const settings = immunizationSettings(runtime.config);
      return deliveryHealth(
        runtime.orm.em.fork() as EntityManager,
        settings.satusehat.stuckAfterMs,
        targetsOn(settings).length ? 'on' : 'off',
        targetsOn(settings),
      );
    };
    metrics.gauge('victori_national_delivery_backlog', 'Dose records waiting to reach SATUSEHAT', [], async () => [
      { labels: {}, value: (await health()).backlog },
    ]);
    metrics.gauge('victori_national_delivery_oldest_pending_seconds', 'Age of the oldest record waiting for SATUSEHAT', [], async () => [
      { labels: {}, value: (await health()).oldestPendingSeconds },
    ]);
  },
  demo: async (runtime) => {
    await seedDemoPractitioners(runtime.orm, vaultFor(runtime));
    await seedDemoPeople(runtime.orm, vaultFor(runtime));
  },
  metrics: async (runtime) => {
    return { nationalDelivery: await deliveryCountsByStatus(runtime.orm.em.fork() as EntityManager) };
  },
};

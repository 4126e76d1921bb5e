import type { ServiceDefinition } from '@victori/shared';
import { inventorySettings, loadInventoryConfig } from './config.js';
import { createContext, type InventoryContext } from './context.js';
import { administrationsConsumer, facilitiesConsumer, sessionsConsumer } from './events/consumers.js';
import { migrations } from './migrations/index.js';
import { VaccineProductEntity } from './modules/product/product.entity.js';
import { runStockMaintenance } from './modules/stock/stock.maintenance.js';
import { buildInventorySchema } from './schema.js';
import { seedCatalogue } from './seeders/catalogue.seeder.js';
import { seedFacilityDirectory } from './seeders/directory.seeder.js';
import { seedDemoStock } from './seeders/stock.seeder.js';
import { topUpDemoStock } from './seeders/demo-topup.seeder.js';
import type { EntityManager } from '@mikro-orm/postgresql';

export const inventoryService: ServiceDefinition<InventoryContext> = {
  name: 'inventory',
  entities: [VaccineProductEntity],
  migrations,
  buildSchema: buildInventorySchema,
  createContext,
  checkConfig: (config) => {
    inventorySettings(config);
  },
  consumers: (config) => [administrationsConsumer(inventorySettings(config)), sessionsConsumer, facilitiesConsumer],
  seed: async (orm) => {
    await seedCatalogue(orm);
    await seedFacilityDirectory(orm);
    // Seeding runs with the migration, before any service config exists: the settings come from the environment.
    await seedDemoStock(orm, loadInventoryConfig());
  },
  demo: (runtime) => topUpDemoStock(runtime.orm, inventorySettings(runtime.config)),
  commands: {
    /** Writes off opened vials past their limit and expired lots now (runServiceCommand(inventoryService, config, 'maintenance', [])). */
    maintenance: async (runtime) => {
      const result = await runStockMaintenance(runtime.orm.em.fork() as EntityManager, inventorySettings(runtime.config));
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
  },
  startBackground: async (runtime) => {
    const config = inventorySettings(runtime.config);
    let running: Promise<unknown> | undefined;
    const tick = () => {
      if (running) return; // the previous run is still going
      running = runStockMaintenance(runtime.orm.em.fork() as EntityManager, config)
        .catch((err: unknown) => runtime.logger.warn({ err }, 'stock maintenance failed; will retry'))
        .finally(() => {
          running = undefined;
        });
    };
    tick();
    const timer = setInterval(tick, config.maintenanceIntervalMs);
    timer.unref();
    runtime.onClose(async () => {
      clearInterval(timer);
      await running;
    });
  },
};

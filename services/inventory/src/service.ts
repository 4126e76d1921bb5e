import type { ServiceDefinition } from '@victori/shared';
import { createContext, type InventoryContext } from './context.js';
import { migrations } from './migrations/index.js';
import { VaccineProductEntity } from './modules/product/product.entity.js';
import { buildInventorySchema } from './schema.js';
import { seedCatalogue } from './seeders/catalogue.seeder.js';

export const inventoryService: ServiceDefinition<InventoryContext> = {
  name: 'inventory',
  entities: [VaccineProductEntity],
  migrations,
  buildSchema: buildInventorySchema,
  createContext,
  seed: seedCatalogue,
};

import type { BaseContext } from '@victori/shared';
import { createProductLoader } from './modules/product/product.loader.js';
import { createFacilityStockLoader } from './modules/stock/stock.loader.js';

export interface InventoryContext extends BaseContext {
  loaders: {
    product: ReturnType<typeof createProductLoader>;
    facilityStock: ReturnType<typeof createFacilityStockLoader>;
  };
}

export function createContext(base: BaseContext): InventoryContext {
  return { ...base, loaders: { product: createProductLoader(base.em), facilityStock: createFacilityStockLoader(base.em) } };
}

import type { BaseContext } from '@victori/shared';
import { inventoryConfig, type InventoryConfig } from './config.js';
import { createLotHoldingsLoader } from './modules/lot/lot.loader.js';
import { createProductLoader } from './modules/product/product.loader.js';
import { createFacilityStockLoader } from './modules/stock/stock.loader.js';

export interface InventoryContext extends BaseContext {
  config: InventoryConfig;
  loaders: {
    product: ReturnType<typeof createProductLoader>;
    facilityStock: ReturnType<typeof createFacilityStockLoader>;
    lotHoldings: ReturnType<typeof createLotHoldingsLoader>;
  };
}

export function createContext(base: BaseContext): InventoryContext {
  const config = inventoryConfig();
  return {
    ...base,
    config,
    loaders: {
      product: createProductLoader(base.em),
      facilityStock: createFacilityStockLoader(base.em, config),
      lotHoldings: createLotHoldingsLoader(base.em, config),
    },
  };
}

/** Who made a change, as the ledger records it. */
export function actorOf(ctx: BaseContext): string {
  const { role, sub } = ctx.request.claims;
  return `${role}:${sub ?? 'unknown'}`;
}

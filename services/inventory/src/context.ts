import type { BaseContext, Claims, ServiceRuntime } from '@victori/shared';
import { inventorySettings, type InventoryConfig } from './config.js';
import { createLotHoldingsLoader } from './modules/lot/lot.loader.js';
import { createProductLoader, ProductCatalogue } from './modules/product/product.loader.js';
import { createFacilityStockLoader } from './modules/stock/stock.loader.js';

export interface InventoryContext extends BaseContext {
  config: InventoryConfig;
  loaders: {
    product: ReturnType<typeof createProductLoader>;
    facilityStock: ReturnType<typeof createFacilityStockLoader>;
    lotHoldings: ReturnType<typeof createLotHoldingsLoader>;
  };
}

/** One product catalogue per running service (its database), kept between requests. */
const catalogues = new WeakMap<ServiceRuntime, ProductCatalogue>();

export function catalogueOf(runtime: ServiceRuntime): ProductCatalogue {
  let catalogue = catalogues.get(runtime);
  if (!catalogue) catalogues.set(runtime, (catalogue = new ProductCatalogue()));
  return catalogue;
}

export function createContext(base: BaseContext, runtime: ServiceRuntime): InventoryContext {
  const config = inventorySettings(runtime.config);
  return {
    ...base,
    config,
    loaders: {
      product: createProductLoader(base.em, catalogueOf(runtime)),
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

/** Who asks (for the policy) and how the ledger names them (seeders name themselves). */
export interface Caller {
  claims: Claims;
  actor: string;
}

export const callerOf = (ctx: BaseContext): Caller => ({ claims: ctx.request.claims, actor: actorOf(ctx) });

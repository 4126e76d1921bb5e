import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { FacilityRef } from './external/facility.stub.js';
import { productReference } from './modules/product/product.reference.js';
import { ProductResolver } from './modules/product/product.resolver.js';
import { FacilityStockResolver } from './modules/stock/stock.resolver.js';

export function buildInventorySchema() {
  return buildFederatedSchema(
    { resolvers: [createEventAdminResolver('inventory'), ProductResolver, FacilityStockResolver], orphanedTypes: [FacilityRef] },
    { ...productReference },
  );
}

import { buildFederatedSchema, createEventAdminResolver } from '@victori/shared';
import { InventoryLagResolver } from './events/projection-lag.resolver.js';
import { FacilityRef } from './external/facility.stub.js';
import { BoardResolver, StockTotalResolver } from './modules/board/board.resolver.js';
import { LedgerResolver } from './modules/ledger/ledger.resolver.js';
import { LotResolver } from './modules/lot/lot.resolver.js';
import { productReference } from './modules/product/product.reference.js';
import { ProductResolver } from './modules/product/product.resolver.js';
import { FacilityStockResolver, StockOperationsResolver } from './modules/stock/stock.resolver.js';

export function buildInventorySchema() {
  return buildFederatedSchema(
    {
      resolvers: [
        ...createEventAdminResolver('inventory'),
        ProductResolver,
        FacilityStockResolver,
        StockOperationsResolver,
        LotResolver,
        LedgerResolver,
        BoardResolver,
        StockTotalResolver,
        InventoryLagResolver,
      ],
      orphanedTypes: [FacilityRef],
    },
    { ...productReference },
  );
}

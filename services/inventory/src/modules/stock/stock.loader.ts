import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { localDate, USABLE_VVM_MAX } from '../ledger/ledger.service.js';

export interface StockRow {
  facilityId: string;
  productCode: string;
  usableDoses: number;
  onHandDoses: number;
}

/** Usable and on-hand doses per facility and product (products the facility holds), for many facilities in one query. */
export function createFacilityStockLoader(em: EntityManager, config: InventoryConfig): DataLoader<string, StockRow[]> {
  return new DataLoader(async (facilityIds) => {
    const rows = await em.getConnection().execute<{ facility_id: string; product_code: string; usable: string; on_hand: string }[]>(
      `select h.facility_id, l.product_code, sum(h.balance) as on_hand,
              coalesce(sum(h.balance) filter (where l.recalled_at is null and l.expiry_date >= ?::date
                                               and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})), 0) as usable
         from stock_holding h join lot l on l.id = h.lot_id
        where h.facility_id::text in (?) and h.balance > 0
        group by h.facility_id, l.product_code
        order by l.product_code`,
      [localDate(new Date(), config.timeZone), [...facilityIds]],
    );
    return facilityIds.map((id) =>
      rows
        .filter((r) => r.facility_id === id)
        .map((r) => ({ facilityId: id, productCode: r.product_code, usableDoses: Number(r.usable), onHandDoses: Number(r.on_hand) })),
    );
  });
}

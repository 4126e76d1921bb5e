import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface StockRow {
  facilityId: string;
  productCode: string;
  usableDoses: number;
}

/** Usable doses per facility and product, for many facilities in one query. */
export function createFacilityStockLoader(em: EntityManager): DataLoader<string, StockRow[]> {
  return new DataLoader(async (facilityIds) => {
    const rows = await em.getConnection().execute<{ facility_id: string; product_code: string; usable: string }[]>(
      `select facility_id, product_code, sum(quantity)::bigint as usable
         from stock_balance
        where facility_id in (?)
        group by facility_id, product_code
        order by product_code`,
      [[...facilityIds]],
    );
    return facilityIds.map((id) =>
      rows.filter((r) => r.facility_id === id).map((r) => ({ facilityId: id, productCode: r.product_code, usableDoses: Number(r.usable) })),
    );
  });
}

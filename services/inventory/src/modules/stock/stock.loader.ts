import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { localDate } from '../ledger/ledger.store.js';
import { facilityStock, type FacilityStockRow } from './stock.store.js';

export type StockRow = FacilityStockRow;

/** Usable and on-hand doses per facility and product (products the facility holds), for many facilities in one query. */
export function createFacilityStockLoader(em: EntityManager, config: InventoryConfig): DataLoader<string, StockRow[]> {
  return new DataLoader(async (facilityIds) => {
    const rows = await facilityStock(em, { facilityIds, today: localDate(new Date(), config.timeZone) });
    return facilityIds.map((id) => rows.filter((r) => r.facilityId === id));
  });
}

import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { localDate } from '../ledger/ledger.store.js';
import { holdingsOfLots, type HoldingRow } from './lot.store.js';

/** Every facility's holding of many lots in one query. */
export function createLotHoldingsLoader(em: EntityManager, config: InventoryConfig): DataLoader<string, HoldingRow[]> {
  return new DataLoader(async (lotIds) => {
    const rows = await holdingsOfLots(em, lotIds, localDate(new Date(), config.timeZone));
    return lotIds.map((id) => rows.filter((r) => r.lotId === id));
  });
}

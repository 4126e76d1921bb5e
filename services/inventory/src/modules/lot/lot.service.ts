import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, decodeCursor, notFound, pageSize, toConnection, type Connection, isUuid } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import type { Caller } from '../../context.js';
import { inventoryPolicy } from '../../policy.js';
import { localDate, type LotRow } from '../ledger/ledger.store.js';
import { checkDoses } from '../stock/stock.rules.js';
import { facilityKnown } from '../stock/stock.store.js';
import * as store from './lot.store.js';

export type { ExpiringRow, HoldingRow } from './lot.store.js';

/** Lots of the catalogue, earliest expiry first, cursor-paginated. Public. */
export async function lots<T>(
  em: EntityManager,
  filter: { productCode?: string; facilityId?: string; includeEmpty: boolean; includeRecalled: boolean; first: number; after?: string },
  toNode: (row: LotRow) => T,
): Promise<Connection<T>> {
  inventoryPolicy.publicRead();
  const size = pageSize(filter.first, 100, 1000);
  const text = (v: unknown): boolean => typeof v === 'string' && v.length <= 100;
  const date = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
  const key = filter.after ? (decodeCursor(filter.after, [date, text, text]) as [string, string, string]) : undefined;
  if (filter.facilityId !== undefined && filter.facilityId !== null && !isUuid(filter.facilityId)) {
    return toConnection([], size, 0, () => [], toNode);
  }
  const where = {
    productCode: filter.productCode,
    facilityId: filter.facilityId,
    includeEmpty: filter.includeEmpty,
    includeRecalled: filter.includeRecalled,
  };
  const [rows, total] = await Promise.all([store.listLots(em, { ...where, limit: size + 1, after: key }), store.countLots(em, where)]);
  return toConnection(rows, size, total, (r) => [r.expiryDate, r.productCode, r.lotNumber], toNode);
}

/** Holdings with doses of unrecalled lots that expire within the next `withinDays` days (already expired ones included, negative days). Public. */
export async function expiringLots(
  em: EntityManager,
  config: InventoryConfig,
  filter: { withinDays: number; facilityId?: string; productCode?: string; kecamatanCode?: string },
  now = new Date(),
): Promise<store.ExpiringRow[]> {
  inventoryPolicy.publicRead();
  if (!Number.isInteger(filter.withinDays) || filter.withinDays < 0 || filter.withinDays > 3650) {
    throw badInput('withinDays', { id: 'withinDays 0 sampai 3650', en: 'withinDays must be 0 to 3650' });
  }
  if (filter.facilityId !== undefined && filter.facilityId !== null && !isUuid(filter.facilityId)) return [];
  return store.expiringHoldings(em, { ...filter, today: localDate(now, config.timeZone) });
}

export interface FefoPick {
  lot: LotRow;
  vvmStage: number | null;
  balance: number;
  takeDoses: number;
}

/**
 * First-expiry-first-out: the usable lots of a product at a facility in the order to use or
 * transfer them (earliest expiry first; among equal expiry the more heat-exposed VVM stage first),
 * covering `doses` where stock allows. Health workers of the facility and admins.
 */
export async function fefoSuggestion(
  em: EntityManager,
  config: InventoryConfig,
  input: { facilityId: string; productCode: string; doses: number },
  caller: Caller,
  now = new Date(),
): Promise<{ picks: FefoPick[]; availableDoses: number; shortfall: number }> {
  inventoryPolicy.facility(caller.claims, input.facilityId);
  checkDoses(input.doses);
  if (!isUuid(input.facilityId) || !(await facilityKnown(em, input.facilityId))) throw notFound('Fasilitas', 'facilityId');
  const rows = await store.usableHoldingsFefo(em, {
    facilityId: input.facilityId,
    productCode: input.productCode,
    today: localDate(now, config.timeZone),
  });
  let left = input.doses;
  const picks: FefoPick[] = [];
  let available = 0;
  for (const r of rows) {
    available += r.balance;
    if (left <= 0) continue;
    const take = Math.min(left, r.balance);
    left -= take;
    picks.push({ ...r, takeDoses: take });
  }
  return { picks, availableDoses: available, shortfall: Math.max(0, left) };
}

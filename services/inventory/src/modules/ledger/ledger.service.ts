import type { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, pageSize, toConnection, type Connection, isUuid } from '@victori/shared';
import type { Caller } from '../../context.js';
import { inventoryPolicy } from '../../policy.js';
import { parseInstant } from '../stock/stock.rules.js';
import { countLedger, listLedger, type LedgerEntryView, type StockReason } from './ledger.store.js';

/**
 * Ledger entries with actors, newest first, cursor-paginated: the facility the caller may list
 * (admins: any, or the city).
 */
export async function stockLedger<T>(
  em: EntityManager,
  caller: Caller,
  filter: {
    facilityId?: string;
    lotId?: string;
    productCode?: string;
    reason?: StockReason;
    from?: string;
    to?: string;
    first: number;
    after?: string;
  },
  toNode: (row: LedgerEntryView) => T,
): Promise<Connection<T>> {
  const facility = inventoryPolicy.listScope(caller.claims, filter.facilityId);
  const size = pageSize(filter.first, 100, 1000);
  const beforeId = filter.after ? String(decodeCursor(filter.after, [(v) => typeof v === 'string' && /^\d{1,18}$/.test(v)])[0]) : undefined;
  const { lotId } = filter;
  if ((facility && !isUuid(facility)) || (lotId && !isUuid(lotId))) return toConnection([], size, 0, () => [], toNode);
  const where = {
    facilityId: facility,
    lotId,
    productCode: filter.productCode,
    reason: filter.reason,
    from: parseInstant('from', filter.from),
    to: parseInstant('to', filter.to),
  };
  const [rows, total] = await Promise.all([listLedger(em, { ...where, beforeId, limit: size + 1 }), countLedger(em, where)]);
  return toConnection(rows, size, total, (r) => [r.id], toNode);
}

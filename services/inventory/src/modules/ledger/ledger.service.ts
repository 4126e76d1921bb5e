import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@victori/shared';
import type { Caller } from '../../context.js';
import { inventoryPolicy } from '../../policy.js';
import { clampLimit, parseInstant, UUID_RE } from '../stock/stock.rules.js';
import { listLedger, type LedgerEntryView, type StockReason } from './ledger.store.js';

/** Ledger entries with actors, newest first: the facility the caller may list (admins: any, or the city). */
export async function stockLedger(
  em: EntityManager,
  caller: Caller,
  filter: {
    facilityId?: string;
    lotId?: string;
    productCode?: string;
    reason?: StockReason;
    from?: string;
    to?: string;
    before?: string;
    limit: number;
  },
): Promise<LedgerEntryView[]> {
  const facility = inventoryPolicy.listScope(caller.claims, filter.facilityId);
  const { lotId, before } = filter;
  if ((facility && !UUID_RE.test(facility)) || (lotId && !UUID_RE.test(lotId))) return [];
  if (before !== undefined && before !== null && !/^\d{1,18}$/.test(before))
    throw badInput('before', { id: 'before tidak valid', en: 'Invalid before' });
  return listLedger(em, {
    facilityId: facility,
    lotId,
    productCode: filter.productCode,
    reason: filter.reason,
    from: parseInstant('from', filter.from),
    to: parseInstant('to', filter.to),
    beforeId: before,
    limit: clampLimit(filter.limit),
  });
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { LedgerEntryRow, StockReason } from './ledger.service.js';

export interface LedgerFilter {
  facilityId?: string;
  lotId?: string;
  productCode?: string;
  reason?: StockReason;
  from?: Date;
  to?: Date;
  /** Entries older than this entry id (paging backwards). */
  beforeId?: string;
  limit: number;
}

export interface LedgerEntryView extends LedgerEntryRow {
  recordedAt: string;
}

function ledgerWhere(filter: Omit<LedgerFilter, 'limit' | 'beforeId'>): { sql: string; params: unknown[] } {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.facilityId) add('e.facility_id = ?', filter.facilityId);
  if (filter.lotId) add('e.lot_id = ?', filter.lotId);
  if (filter.productCode) add('l.product_code = ?', filter.productCode);
  if (filter.reason) add('e.reason = ?', filter.reason);
  if (filter.from) add('e.at >= ?', filter.from);
  if (filter.to) add('e.at < ?', filter.to);
  return { sql: where.join(' and '), params };
}

/** Ledger entries, newest first. */
export async function listLedger(em: EntityManager, filter: LedgerFilter): Promise<LedgerEntryView[]> {
  const { sql, params } = ledgerWhere(filter);
  const page = filter.beforeId ? `${sql} and e.id < ?` : sql;
  const rows = await em.execute<Record<string, unknown>[]>(
    `select e.*, l.product_code, l.lot_number from stock_ledger_entry e join lot l on l.id = e.lot_id
      where ${page} order by e.id desc limit ?`,
    [...params, ...(filter.beforeId ? [filter.beforeId] : []), filter.limit],
  );
  return rows.map(toEntry);
}

/** How many entries match the filter over all pages (a connection's totalCount). */
export async function countLedger(em: EntityManager, filter: Omit<LedgerFilter, 'limit' | 'beforeId'>): Promise<number> {
  const { sql, params } = ledgerWhere(filter);
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from stock_ledger_entry e join lot l on l.id = e.lot_id where ${sql}`,
    params,
  );
  return Number(row?.n ?? 0);
}

export function toEntry(r: Record<string, unknown>): LedgerEntryView {
  return {
    id: String(r.id),
    facilityId: String(r.facility_id),
    lotId: String(r.lot_id),
    productCode: String(r.product_code),
    lotNumber: String(r.lot_number),
    reason: r.reason as StockReason,
    quantity: Number(r.quantity),
    balanceAfter: Number(r.balance_after),
    actor: String(r.actor),
    at: new Date(r.at as string).toISOString(),
    recordedAt: new Date(r.recorded_at as string).toISOString(),
    doseRecordId: (r.dose_record_id as string | null) ?? null,
    transferId: (r.transfer_id as string | null) ?? null,
    counterpartFacilityId: (r.counterpart_facility_id as string | null) ?? null,
    note: (r.note as string | null) ?? null,
  };
}

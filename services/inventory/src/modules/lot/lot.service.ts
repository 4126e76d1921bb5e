import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { localDate, USABLE_VVM_MAX, type LotRow } from '../ledger/ledger.service.js';

export interface HoldingRow {
  facilityId: string;
  lotId: string;
  balance: number;
  vvmStage: number | null;
  usable: boolean;
}

const lotRow = (r: Record<string, unknown>): LotRow => ({
  id: String(r.id),
  productCode: String(r.product_code),
  lotNumber: String(r.lot_number),
  expiryDate: String(r.expiry),
  manufacturer: String(r.manufacturer),
  recalledAt: r.recalled_at ? new Date(r.recalled_at as string).toISOString() : null,
  recallReason: (r.recall_reason as string | null) ?? null,
});

const LOT_SELECT = `l.id, l.product_code, l.lot_number, to_char(l.expiry_date, 'YYYY-MM-DD') as expiry, l.manufacturer, l.recalled_at, l.recall_reason`;

export interface LotFilter {
  productCode?: string;
  facilityId?: string;
  includeEmpty: boolean;
  includeRecalled: boolean;
  limit: number;
  /** Keyset: lots after this (expiry date, product code, lot number), for cursor pages. */
  after?: [string, string, string];
}

function lotWhere(filter: Omit<LotFilter, 'limit' | 'after'>): { sql: string; params: unknown[] } {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  if (filter.productCode) {
    where.push('l.product_code = ?');
    params.push(filter.productCode);
  }
  if (!filter.includeRecalled) where.push('l.recalled_at is null');
  const holding = ['h.lot_id = l.id'];
  if (filter.facilityId) {
    holding.push('h.facility_id = ?');
    params.push(filter.facilityId);
  }
  if (!filter.includeEmpty) holding.push('h.balance > 0');
  if (filter.facilityId || !filter.includeEmpty) where.push(`exists (select 1 from stock_holding h where ${holding.join(' and ')})`);
  return { sql: where.join(' and '), params };
}

export async function listLots(em: EntityManager, filter: LotFilter): Promise<LotRow[]> {
  const { sql, params } = lotWhere(filter);
  const page = filter.after ? `${sql} and (l.expiry_date, l.product_code, l.lot_number) > (?::date, ?, ?)` : sql;
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${LOT_SELECT} from lot l where ${page} order by l.expiry_date, l.product_code, l.lot_number limit ?`,
    [...params, ...(filter.after ?? []), filter.limit],
  );
  return rows.map(lotRow);
}

/** How many lots match the filter over all pages (a connection's totalCount). */
export async function countLots(em: EntityManager, filter: Omit<LotFilter, 'limit' | 'after'>): Promise<number> {
  const { sql, params } = lotWhere(filter);
  const [row] = await em.execute<{ n: number }[]>(`select count(*)::int as n from lot l where ${sql}`, params);
  return Number(row?.n ?? 0);
}

export async function lotsByIds(em: EntityManager, ids: readonly string[]): Promise<LotRow[]> {
  if (ids.length === 0) return [];
  const rows = await em.execute<Record<string, unknown>[]>(`select ${LOT_SELECT} from lot l where l.id in (?)`, [[...ids]]);
  return rows.map(lotRow);
}

export async function holdingsOfLots(em: EntityManager, lotIds: readonly string[], today: string): Promise<HoldingRow[]> {
  if (lotIds.length === 0) return [];
  const rows = await em.execute<{ facility_id: string; lot_id: string; balance: number; vvm_stage: number | null; usable: boolean }[]>(
    `select h.facility_id, h.lot_id, h.balance, h.vvm_stage,
            (l.recalled_at is null and l.expiry_date >= ?::date and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})) as usable
       from stock_holding h join lot l on l.id = h.lot_id where h.lot_id in (?) order by h.facility_id`,
    [today, [...lotIds]],
  );
  return rows.map((r) => ({ facilityId: r.facility_id, lotId: r.lot_id, balance: r.balance, vvmStage: r.vvm_stage, usable: r.usable }));
}

export interface ExpiringRow {
  lot: LotRow;
  facilityId: string;
  doses: number;
  daysToExpiry: number;
}

/** Holdings with doses of unrecalled lots that expire within the next `withinDays` days (already expired ones included, negative days). */
export async function expiringLots(
  em: EntityManager,
  config: InventoryConfig,
  filter: { withinDays: number; facilityId?: string; productCode?: string; kecamatanCode?: string },
  now = new Date(),
): Promise<ExpiringRow[]> {
  const today = localDate(now, config.timeZone);
  const where = ['h.balance > 0', 'l.recalled_at is null', `l.expiry_date <= ?::date + ?::int`];
  const params: unknown[] = [today, filter.withinDays];
  if (filter.facilityId) {
    where.push('h.facility_id = ?');
    params.push(filter.facilityId);
  }
  if (filter.productCode) {
    where.push('l.product_code = ?');
    params.push(filter.productCode);
  }
  if (filter.kecamatanCode) {
    where.push('exists (select 1 from facility_directory f where f.facility_id = h.facility_id and f.kecamatan_code = ?)');
    params.push(filter.kecamatanCode);
  }
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${LOT_SELECT}, h.facility_id, h.balance, (l.expiry_date - ?::date) as days_to_expiry
       from stock_holding h join lot l on l.id = h.lot_id
      where ${where.join(' and ')} order by l.expiry_date, h.facility_id, l.lot_number`,
    [today, ...params],
  );
  return rows.map((r) => ({
    lot: lotRow(r),
    facilityId: String(r.facility_id),
    doses: Number(r.balance),
    daysToExpiry: Number(r.days_to_expiry),
  }));
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
 * covering `doses` where stock allows.
 */
export async function fefoSuggestion(
  em: EntityManager,
  config: InventoryConfig,
  input: { facilityId: string; productCode: string; doses: number },
  now = new Date(),
): Promise<{ picks: FefoPick[]; availableDoses: number; shortfall: number }> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${LOT_SELECT}, h.balance, h.vvm_stage from stock_holding h join lot l on l.id = h.lot_id
      where h.facility_id = ? and l.product_code = ? and h.balance > 0 and l.recalled_at is null and l.expiry_date >= ?::date
        and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})
      order by l.expiry_date, h.vvm_stage desc nulls last, l.lot_number`,
    [input.facilityId, input.productCode, localDate(now, config.timeZone)],
  );
  let left = input.doses;
  const picks: FefoPick[] = [];
  let available = 0;
  for (const r of rows) {
    const balance = Number(r.balance);
    available += balance;
    if (left <= 0) continue;
    const take = Math.min(left, balance);
    left -= take;
    picks.push({ lot: lotRow(r), vvmStage: (r.vvm_stage as number | null) ?? null, balance, takeDoses: take });
  }
  return { picks, availableDoses: available, shortfall: Math.max(0, left) };
}

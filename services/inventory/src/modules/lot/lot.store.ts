import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';
import { USABLE_VVM_MAX, type LotRow } from '../ledger/ledger.store.js';

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

export async function listLots(
  em: EntityManager,
  filter: { productCode?: string; facilityId?: string; includeEmpty: boolean; includeRecalled: boolean; limit: number },
): Promise<LotRow[]> {
  const where: string[] = ['true'];
  const params: Record<string, unknown> = { limit: filter.limit };
  if (filter.productCode) {
    where.push('l.product_code = :productCode');
    params.productCode = filter.productCode;
  }
  if (!filter.includeRecalled) where.push('l.recalled_at is null');
  const holding = ['h.lot_id = l.id'];
  if (filter.facilityId) {
    holding.push('h.facility_id = :facilityId');
    params.facilityId = filter.facilityId;
  }
  if (!filter.includeEmpty) holding.push('h.balance > 0');
  if (filter.facilityId || !filter.includeEmpty) where.push(`exists (select 1 from stock_holding h where ${holding.join(' and ')})`);
  const rows = await sql(
    em,
    `select ${LOT_SELECT} from lot l where ${where.join(' and ')} order by l.expiry_date, l.product_code, l.lot_number limit :limit`,
    params,
  );
  return rows.map(lotRow);
}

export async function lotsByIds(em: EntityManager, ids: readonly string[]): Promise<LotRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql(em, `select ${LOT_SELECT} from lot l where l.id in (:ids)`, { ids: [...ids] });
  return rows.map(lotRow);
}

export async function holdingsOfLots(em: EntityManager, lotIds: readonly string[], today: string): Promise<HoldingRow[]> {
  if (lotIds.length === 0) return [];
  const rows = await sql<{ facility_id: string; lot_id: string; balance: number; vvm_stage: number | null; usable: boolean }>(
    em,
    `select h.facility_id, h.lot_id, h.balance, h.vvm_stage,
            (l.recalled_at is null and l.expiry_date >= :today::date and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})) as usable
       from stock_holding h join lot l on l.id = h.lot_id where h.lot_id in (:lotIds) order by h.facility_id`,
    { today, lotIds: [...lotIds] },
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
export async function expiringHoldings(
  em: EntityManager,
  filter: { today: string; withinDays: number; facilityId?: string; productCode?: string; kecamatanCode?: string },
): Promise<ExpiringRow[]> {
  const where = ['h.balance > 0', 'l.recalled_at is null', `l.expiry_date <= :today::date + :withinDays::int`];
  const params: Record<string, unknown> = { today: filter.today, withinDays: filter.withinDays };
  if (filter.facilityId) {
    where.push('h.facility_id = :facilityId');
    params.facilityId = filter.facilityId;
  }
  if (filter.productCode) {
    where.push('l.product_code = :productCode');
    params.productCode = filter.productCode;
  }
  if (filter.kecamatanCode) {
    where.push('exists (select 1 from facility_directory f where f.facility_id = h.facility_id and f.kecamatan_code = :kecamatanCode)');
    params.kecamatanCode = filter.kecamatanCode;
  }
  const rows = await sql(
    em,
    `select ${LOT_SELECT}, h.facility_id, h.balance, (l.expiry_date - :today::date) as days_to_expiry
       from stock_holding h join lot l on l.id = h.lot_id
      where ${where.join(' and ')} order by l.expiry_date, h.facility_id, l.lot_number`,
    params,
  );
  return rows.map((r) => ({
    lot: lotRow(r),
    facilityId: String(r.facility_id),
    doses: Number(r.balance),
    daysToExpiry: Number(r.days_to_expiry),
  }));
}

/** Usable holdings of a product at a facility, in first-expiry-first-out order (equal expiry: the more heat-exposed VVM first). */
export async function usableHoldingsFefo(
  em: EntityManager,
  filter: { facilityId: string; productCode: string; today: string },
): Promise<{ lot: LotRow; vvmStage: number | null; balance: number }[]> {
  const rows = await sql(
    em,
    `select ${LOT_SELECT}, h.balance, h.vvm_stage from stock_holding h join lot l on l.id = h.lot_id
      where h.facility_id = :facilityId and l.product_code = :productCode and h.balance > 0 and l.recalled_at is null and l.expiry_date >= :today::date
        and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})
      order by l.expiry_date, h.vvm_stage desc nulls last, l.lot_number`,
    filter,
  );
  return rows.map((r) => ({ lot: lotRow(r), vvmStage: (r.vvm_stage as number | null) ?? null, balance: Number(r.balance) }));
}

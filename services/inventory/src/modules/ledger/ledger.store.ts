import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, ErrorCode, publish, StockChanged, UsableStockChanged } from '@victori/shared';

export const STOCK_REASONS = [
  'RECEIPT',
  'TRANSFER_OUT',
  'TRANSFER_IN',
  'ADMINISTERED',
  'OPENED_VIAL_DISCARD',
  'EXPIRED',
  'DAMAGED',
  'COLD_CHAIN_FAILURE',
  'RECALL',
  'PHYSICAL_COUNT',
] as const;
export type StockReason = (typeof STOCK_REASONS)[number];

/** VVM stages 1 and 2 may be used; 3 and 4 have passed the discard point. */
export const USABLE_VVM_MAX = 2;

export interface LedgerEntryRow {
  id: string;
  facilityId: string;
  lotId: string;
  productCode: string;
  lotNumber: string;
  reason: StockReason;
  quantity: number;
  balanceAfter: number;
  actor: string;
  at: string;
  doseRecordId: string | null;
  transferId: string | null;
  counterpartFacilityId: string | null;
  note: string | null;
}

export interface LotRow {
  id: string;
  productCode: string;
  lotNumber: string;
  expiryDate: string;
  manufacturer: string;
  recalledAt: string | null;
  recallReason: string | null;
}

export interface StockChange {
  facilityId: string;
  lot: LotRow;
  /** Signed change in doses. */
  quantity: number;
  reason: StockReason;
  actor: string;
  /** When it happened (defaults to now); the ledger also keeps when it was recorded. */
  at?: Date;
  doseRecordId?: string;
  transferId?: string;
  counterpartFacilityId?: string;
  note?: string;
  /** Idempotency key of the movement (seeds, dose records): a second change with the same key is refused by the database. */
  sourceKey?: string;
}

export class InsufficientStock extends AppError {
  constructor(
    readonly available: number,
    requested: number,
  ) {
    super(
      ErrorCode.INSUFFICIENT_STOCK,
      {
        id: `Stok tidak cukup: tersedia ${available} dosis, diminta ${requested}`,
        en: `Not enough stock: ${available} doses available, ${requested} requested`,
      },
      { field: 'doses', available },
    );
  }
}

const LOT_COLUMNS = `l.id, l.product_code as "productCode", l.lot_number as "lotNumber", to_char(l.expiry_date, 'YYYY-MM-DD') as "expiryDate",
  l.manufacturer, l.recalled_at as "recalledAt", l.recall_reason as "recallReason"`;

function toLot(r: Record<string, unknown>): LotRow {
  return {
    id: String(r.id),
    productCode: String(r.productCode),
    lotNumber: String(r.lotNumber),
    expiryDate: String(r.expiryDate),
    manufacturer: String(r.manufacturer),
    recalledAt: r.recalledAt ? new Date(r.recalledAt as string).toISOString() : null,
    recallReason: (r.recallReason as string | null) ?? null,
  };
}

export async function findLot(em: EntityManager, lotId: string, forUpdate = false): Promise<LotRow | undefined> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `select ${LOT_COLUMNS} from lot l where l.id = ? ${forUpdate ? 'for update' : ''}`,
    [lotId],
  );
  return row ? toLot(row) : undefined;
}

export async function findLotByNumber(em: EntityManager, productCode: string, lotNumber: string): Promise<LotRow | undefined> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `select ${LOT_COLUMNS} from lot l where l.product_code = ? and l.lot_number = ?`,
    [productCode, lotNumber],
  );
  return row ? toLot(row) : undefined;
}

/**
 * Serialises every stock change of one product at one facility (transaction-scoped advisory locks,
 * always taken in sorted order so two transfers in opposite directions cannot deadlock). Under this
 * lock the usable total computed for the booking cap cannot miss a concurrent change.
 */
export async function lockStock(tx: EntityManager, keys: { facilityId: string; productCode: string }[]): Promise<void> {
  const distinct = [...new Set(keys.map((k) => `inventory:${k.facilityId}:${k.productCode}`))].sort();
  for (const key of distinct) await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [key]);
}

/**
 * Applies one movement: the balance changes with one conditional statement (never below zero, a
 * CHECK backs it up), the ledger gets its entry and stock.changed is published, all in tx.
 * Throws InsufficientStock when a removal exceeds the balance.
 */
export async function applyChange(tx: EntityManager, change: StockChange): Promise<LedgerEntryRow> {
  const { facilityId, lot, quantity } = change;
  let balance: number;
  if (quantity < 0) {
    const rows = await tx.execute<{ balance: number }[]>(
      `update stock_holding set balance = balance + ?, updated_at = now()
        where facility_id = ? and lot_id = ? and balance + ? >= 0 returning balance`,
      [quantity, facilityId, lot.id, quantity],
    );
    if (rows.length === 0) throw new InsufficientStock(await holdingBalance(tx, facilityId, lot.id), -quantity);
    balance = rows[0]!.balance;
  } else {
    const rows = await tx.execute<{ balance: number }[]>(
      `insert into stock_holding (facility_id, lot_id, balance) values (?, ?, ?)
       on conflict (facility_id, lot_id) do update set balance = stock_holding.balance + excluded.balance, updated_at = now()
       returning balance`,
      [facilityId, lot.id, quantity],
    );
    balance = rows[0]!.balance;
  }
  const at = change.at ?? new Date();
  const [entry] = await tx.execute<{ id: string }[]>(
    `insert into stock_ledger_entry (facility_id, lot_id, reason, quantity, balance_after, actor, at, dose_record_id, transfer_id,
       counterpart_facility_id, note, source_key)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [
      facilityId,
      lot.id,
      change.reason,
      quantity,
      balance,
      change.actor,
      at,
      change.doseRecordId ?? null,
      change.transferId ?? null,
      change.counterpartFacilityId ?? null,
      change.note ?? null,
      change.sourceKey ?? null,
    ],
  );
  const row: LedgerEntryRow = {
    id: String(entry!.id),
    facilityId,
    lotId: lot.id,
    productCode: lot.productCode,
    lotNumber: lot.lotNumber,
    reason: change.reason,
    quantity,
    balanceAfter: balance,
    actor: change.actor,
    at: at.toISOString(),
    doseRecordId: change.doseRecordId ?? null,
    transferId: change.transferId ?? null,
    counterpartFacilityId: change.counterpartFacilityId ?? null,
    note: change.note ?? null,
  };
  await publish(tx, 'inventory', StockChanged, `${facilityId}:${lot.id}`, {
    entryId: row.id,
    facilityId,
    productCode: lot.productCode,
    lotNumber: lot.lotNumber,
    reason: row.reason,
    quantity,
    balanceAfter: balance,
    at: row.at,
  });
  return row;
}

export async function holdingBalance(em: EntityManager, facilityId: string, lotId: string): Promise<number> {
  const [row] = await em.execute<{ balance: number }[]>(`select balance from stock_holding where facility_id = ? and lot_id = ?`, [
    facilityId,
    lotId,
  ]);
  return row?.balance ?? 0;
}

export async function sourceKeyUsed(em: EntityManager, sourceKey: string): Promise<boolean> {
  const rows = await em.execute(`select 1 from stock_ledger_entry where source_key = ?`, [sourceKey]);
  return rows.length > 0;
}

/** Calendar date of an instant in the configured time zone (YYYY-MM-DD). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Usable doses (unexpired on `today`, unrecalled, VVM stage 1-2 or no VVM) of one product at one facility. */
export async function usableDoses(em: EntityManager, facilityId: string, productCode: string, today: string): Promise<number> {
  const [row] = await em.execute<{ usable: string }[]>(
    `select coalesce(sum(h.balance), 0) as usable
       from stock_holding h join lot l on l.id = h.lot_id
      where h.facility_id = ? and l.product_code = ? and l.recalled_at is null and l.expiry_date >= ?::date
        and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})`,
    [facilityId, productCode, today],
  );
  return Number(row?.usable ?? 0);
}

/**
 * Publishes the booking cap (stock.usable-changed) for each facility and product, computed inside tx
 * after the change. Call with the stock lock of those pairs held.
 */
export async function publishUsable(
  tx: EntityManager,
  pairs: { facilityId: string; productCode: string }[],
  now: Date,
  timeZone: string,
): Promise<Map<string, number>> {
  const today = localDate(now, timeZone);
  const result = new Map<string, number>();
  const seen = new Set<string>();
  for (const { facilityId, productCode } of pairs) {
    const key = `${facilityId}:${productCode}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const usable = await usableDoses(tx, facilityId, productCode, today);
    result.set(key, usable);
    await publish(tx, 'inventory', UsableStockChanged, key, { facilityId, productCode, usableDoses: usable, at: now.toISOString() });
  }
  return result;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, ErrorCode, publish, sql, StockChanged, UsableStockChanged } from '@victori/shared';

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
  const [row] = await sql(em, `select ${LOT_COLUMNS} from lot l where l.id = :lotId ${forUpdate ? 'for update' : ''}`, { lotId });
  return row ? toLot(row) : undefined;
}

/** Lots by product and number, many at once: `${productCode}|${lotNumber}` to the lot (absent: unknown). */
export async function findLotsByNumber(
  em: EntityManager,
  keys: { productCode: string; lotNumber: string }[],
): Promise<Map<string, LotRow>> {
  if (keys.length === 0) return new Map();
  const rows = await sql(
    em,
    `select ${LOT_COLUMNS} from lot l
      join jsonb_to_recordset(:keys::jsonb) as k(product_code varchar, lot_number varchar)
        on l.product_code = k.product_code and l.lot_number = k.lot_number`,
    // A bulk run names a few lots thousands of times: each key once.
    {
      keys: JSON.stringify([
        ...new Map(keys.map((k) => [`${k.productCode}|${k.lotNumber}`, { product_code: k.productCode, lot_number: k.lotNumber }])).values(),
      ]),
    },
  );
  return new Map(
    rows.map((r) => {
      const lot = toLot(r);
      return [`${lot.productCode}|${lot.lotNumber}`, lot];
    }),
  );
}

export async function findLotByNumber(em: EntityManager, productCode: string, lotNumber: string): Promise<LotRow | undefined> {
  const [row] = await sql(em, `select ${LOT_COLUMNS} from lot l where l.product_code = :productCode and l.lot_number = :lotNumber`, {
    productCode,
    lotNumber,
  });
  return row ? toLot(row) : undefined;
}

/**
 * Serialises every stock change of one product at one facility (transaction-scoped advisory locks,
 * always taken in sorted order so two transfers in opposite directions cannot deadlock). Under this
 * lock the usable total computed for the booking cap cannot miss a concurrent change.
 */
export async function lockStock(tx: EntityManager, keys: { facilityId: string; productCode: string }[]): Promise<void> {
  const distinct = [...new Set(keys.map((k) => `inventory:${k.facilityId}:${k.productCode}`))].sort();
  for (const key of distinct) await sql(tx, `select pg_advisory_xact_lock(hashtextextended(:key, 0))`, { key });
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
    const rows = await sql<{ balance: number }>(
      tx,
      `update stock_holding set balance = balance + :quantity, updated_at = now()
        where facility_id = :facilityId and lot_id = :lotId and balance + :quantity >= 0 returning balance`,
      { quantity, facilityId, lotId: lot.id },
    );
    if (rows.length === 0) throw new InsufficientStock(await holdingBalance(tx, facilityId, lot.id), -quantity);
    balance = rows[0]!.balance;
  } else {
    const rows = await sql<{ balance: number }>(
      tx,
      `insert into stock_holding (facility_id, lot_id, balance) values (:facilityId, :lotId, :quantity)
       on conflict (facility_id, lot_id) do update set balance = stock_holding.balance + excluded.balance, updated_at = now()
       returning balance`,
      { facilityId, lotId: lot.id, quantity },
    );
    balance = rows[0]!.balance;
  }
  const at = change.at ?? new Date();
  const [entry] = await sql<{ id: string }>(
    tx,
    `insert into stock_ledger_entry (facility_id, lot_id, reason, quantity, balance_after, actor, at, dose_record_id, transfer_id,
       counterpart_facility_id, note, source_key)
     values (:facilityId, :lotId, :reason, :quantity, :balance, :actor, :at, :doseRecordId, :transferId,
       :counterpartFacilityId, :note, :sourceKey) returning id`,
    {
      facilityId,
      lotId: lot.id,
      reason: change.reason,
      quantity,
      balance,
      actor: change.actor,
      at,
      doseRecordId: change.doseRecordId ?? null,
      transferId: change.transferId ?? null,
      counterpartFacilityId: change.counterpartFacilityId ?? null,
      note: change.note ?? null,
      sourceKey: change.sourceKey ?? null,
    },
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
  const [row] = await sql<{ balance: number }>(
    em,
    `select balance from stock_holding where facility_id = :facilityId and lot_id = :lotId`,
    {
      facilityId,
      lotId,
    },
  );
  return row?.balance ?? 0;
}

export async function sourceKeyUsed(em: EntityManager, sourceKey: string): Promise<boolean> {
  const rows = await sql(em, `select 1 from stock_ledger_entry where source_key = :sourceKey`, { sourceKey });
  return rows.length > 0;
}

/** Calendar date of an instant in the configured time zone (YYYY-MM-DD). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Usable doses (unexpired on `today`, unrecalled, VVM stage 1-2 or no VVM) of one product at one facility. */
export async function usableDoses(em: EntityManager, facilityId: string, productCode: string, today: string): Promise<number> {
  const [row] = await sql<{ usable: string }>(
    em,
    `select coalesce(sum(h.balance), 0) as usable
       from stock_holding h join lot l on l.id = h.lot_id
      where h.facility_id = :facilityId and l.product_code = :productCode and l.recalled_at is null and l.expiry_date >= :today::date
        and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})`,
    { facilityId, productCode, today },
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

function ledgerWhere(filter: Omit<LedgerFilter, 'limit'>): { where: string; params: Record<string, unknown> } {
  const where: string[] = ['true'];
  const params: Record<string, unknown> = {};
  const add = (condition: string, name: string, value: unknown) => {
    where.push(condition);
    params[name] = value;
  };
  if (filter.facilityId) add('e.facility_id = :facilityId', 'facilityId', filter.facilityId);
  if (filter.lotId) add('e.lot_id = :lotId', 'lotId', filter.lotId);
  if (filter.productCode) add('l.product_code = :productCode', 'productCode', filter.productCode);
  if (filter.reason) add('e.reason = :reason', 'reason', filter.reason);
  if (filter.from) add('e.at >= :from', 'from', filter.from);
  if (filter.to) add('e.at < :to', 'to', filter.to);
  if (filter.beforeId) add('e.id < :beforeId', 'beforeId', filter.beforeId);
  return { where: where.join(' and '), params };
}

/** Ledger entries, newest first. */
export async function listLedger(em: EntityManager, filter: LedgerFilter): Promise<LedgerEntryView[]> {
  const { where, params } = ledgerWhere(filter);
  const rows = await sql(
    em,
    `select e.*, l.product_code, l.lot_number from stock_ledger_entry e join lot l on l.id = e.lot_id
      where ${where} order by e.id desc limit :limit`,
    { ...params, limit: filter.limit },
  );
  return rows.map(toEntry);
}

/** How many entries match the filter over all pages (a connection's totalCount). */
export async function countLedger(em: EntityManager, filter: Omit<LedgerFilter, 'limit' | 'beforeId'>): Promise<number> {
  const { where, params } = ledgerWhere(filter);
  const [row] = await sql<{ n: number }>(
    em,
    `select count(*)::int as n from stock_ledger_entry e join lot l on l.id = e.lot_id where ${where}`,
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

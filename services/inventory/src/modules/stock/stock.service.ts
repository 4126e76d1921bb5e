import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, FieldErrors, notFound } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import {
  applyChange,
  findLot,
  findLotByNumber,
  holdingBalance,
  InsufficientStock,
  localDate,
  lockStock,
  publishUsable,
  sourceKeyUsed,
  USABLE_VVM_MAX,
  type LedgerEntryRow,
  type LotRow,
  type StockReason,
} from '../ledger/ledger.service.js';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DOSES = 10_000_000;

/** Reasons an adjustment may give (the others are written by their own operations). */
export const ADJUSTMENT_REASONS = [
  'DAMAGED',
  'EXPIRED',
  'COLD_CHAIN_FAILURE',
  'OPENED_VIAL_DISCARD',
] as const satisfies readonly StockReason[];

export interface MovementResult {
  entries: LedgerEntryRow[];
  lot: LotRow;
}

export interface OperationOptions {
  /** When it happened (seeds back-date; defaults to now). */
  at?: Date;
  /** Makes the operation idempotent: a second call with the same key does nothing and returns no entries. */
  sourceKey?: string;
  now?: Date;
}

interface ProductRow {
  code: string;
  dosesPerVial: number;
  usesVvm: boolean;
  openVialHours: number | null;
}

export async function findProduct(em: EntityManager, code: string): Promise<ProductRow | undefined> {
  const [row] = await em.execute<{ code: string; doses_per_vial: number; uses_vvm: boolean; open_vial_hours: number | null }[]>(
    `select code, doses_per_vial, uses_vvm, open_vial_hours from vaccine_product where code = ?`,
    [code],
  );
  return row ? { code: row.code, dosesPerVial: row.doses_per_vial, usesVvm: row.uses_vvm, openVialHours: row.open_vial_hours } : undefined;
}

export function checkDoses(doses: number, field = 'doses'): void {
  if (!Number.isInteger(doses) || doses <= 0 || doses > MAX_DOSES) {
    throw badInput(field, { id: 'Jumlah dosis harus bilangan bulat positif', en: 'Doses must be a positive whole number' });
  }
}

function checkNote(note: string | undefined): string | undefined {
  const trimmed = note?.trim();
  if (trimmed && trimmed.length > 1000)
    throw badInput('note', { id: 'Catatan terlalu panjang (maks. 1000)', en: 'Note too long (max 1000)' });
  return trimmed || undefined;
}

export async function requireKnownFacility(em: EntityManager, facilityId: string, field: string): Promise<void> {
  if (!UUID_RE.test(facilityId)) throw notFound('Fasilitas', field);
  const rows = await em.execute(`select 1 from facility_directory where facility_id = ?`, [facilityId]);
  if (rows.length === 0) throw notFound('Fasilitas', field);
}

export async function requireLot(em: EntityManager, lotId: string, forUpdate = false): Promise<LotRow> {
  if (!UUID_RE.test(lotId)) throw notFound('Lot', 'lotId');
  const lot = await findLot(em, lotId, forUpdate);
  if (!lot) throw notFound('Lot', 'lotId');
  return lot;
}

function refuseRecalled(lot: LotRow): void {
  if (lot.recalledAt) {
    throw conflict({ id: `Lot ${lot.lotNumber} telah ditarik (recall)`, en: `Lot ${lot.lotNumber} has been recalled` }, { field: 'lotId' });
  }
}

export interface ReceiveInput {
  productCode: string;
  lotNumber: string;
  expiryDate: string;
  manufacturer?: string;
  doses: number;
  vvmStage?: number;
  note?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
function validDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function checkVvm(product: ProductRow, stage: number | undefined): void {
  if (stage === undefined) return;
  if (!product.usesVvm) throw badInput('vvmStage', { id: 'Produk ini tidak memakai VVM', en: 'This product has no VVM' });
  if (!Number.isInteger(stage) || stage < 1 || stage > 4)
    throw badInput('vvmStage', { id: 'Tahap VVM 1 sampai 4', en: 'VVM stage is 1 to 4' });
}

/** A delivery into the city store: creates the lot on first receipt. */
export async function receiveStock(
  em: EntityManager,
  config: InventoryConfig,
  input: ReceiveInput,
  actor: string,
  options: OperationOptions = {},
): Promise<MovementResult> {
  // Every mistake of the delivery note at once; an unknown product only after the form itself is right.
  const mistakes = new FieldErrors();
  mistakes.check(() => checkDoses(input.doses));
  const lotNumber = input.lotNumber.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9./_-]{0,59}$/.test(lotNumber)) {
    mistakes.add('lotNumber', { id: 'Nomor lot tidak valid', en: 'Invalid lot number' });
  }
  const now = options.now ?? new Date();
  if (!validDate(input.expiryDate))
    mistakes.add('expiryDate', { id: 'Tanggal kedaluwarsa tidak valid (YYYY-MM-DD)', en: 'Invalid expiry date (YYYY-MM-DD)' });
  else if (input.expiryDate < localDate(options.at ?? now, config.timeZone)) {
    mistakes.add('expiryDate', { id: 'Vaksin sudah kedaluwarsa', en: 'The vaccine has already expired' });
  }
  const note = mistakes.check(() => checkNote(input.note));
  const product = await findProduct(em, input.productCode);
  if (product) mistakes.check(() => checkVvm(product, input.vvmStage));
  mistakes.throwIfAny();
  if (!product) throw notFound('Produk vaksin', 'productCode');
  const manufacturer = input.manufacturer?.trim() || undefined;
  return em.transactional(async (tx) => {
    if (options.sourceKey && (await sourceKeyUsed(tx, options.sourceKey))) {
      return { entries: [], lot: (await findLotByNumber(tx, input.productCode, lotNumber))! };
    }
    await tx.execute(
      `insert into lot (id, product_code, lot_number, expiry_date, manufacturer)
       select ?, ?, ?, ?::date, coalesce(?, manufacturer) from vaccine_product where code = ?
       on conflict (product_code, lot_number) do nothing`,
      [randomUUID(), product.code, lotNumber, input.expiryDate, manufacturer ?? null, product.code],
    );
    const lot = (await findLotByNumber(tx, product.code, lotNumber))!;
    if (lot.expiryDate !== input.expiryDate) {
      throw conflict(
        {
          id: `Lot ${lotNumber} terdaftar dengan kedaluwarsa ${lot.expiryDate}`,
          en: `Lot ${lotNumber} is registered with expiry ${lot.expiryDate}`,
        },
        { field: 'expiryDate' },
      );
    }
    refuseRecalled(lot);
    await lockStock(tx, [{ facilityId: config.cityStoreFacilityId, productCode: product.code }]);
    const entry = await applyChange(tx, {
      facilityId: config.cityStoreFacilityId,
      lot,
      quantity: input.doses,
      reason: 'RECEIPT',
      actor,
      at: options.at,
      note,
      sourceKey: options.sourceKey,
    });
    if (product.usesVvm) {
      await tx.execute(`update stock_holding set vvm_stage = greatest(coalesce(vvm_stage, 1), ?) where facility_id = ? and lot_id = ?`, [
        input.vvmStage ?? 1,
        config.cityStoreFacilityId,
        lot.id,
      ]);
    }
    await publishUsable(tx, [{ facilityId: config.cityStoreFacilityId, productCode: product.code }], now, config.timeZone);
    return { entries: [entry], lot };
  });
}

export interface TransferInput {
  fromFacilityId: string;
  toFacilityId: string;
  lotId: string;
  doses: number;
  note?: string;
}

/** Moves doses of one lot between facilities: both sides in one transaction, or neither. */
export async function transferStock(
  em: EntityManager,
  config: InventoryConfig,
  input: TransferInput,
  actor: string,
  options: OperationOptions = {},
): Promise<MovementResult> {
  const mistakes = new FieldErrors();
  mistakes.check(() => checkDoses(input.doses));
  if (input.fromFacilityId === input.toFacilityId) {
    mistakes.add('toFacilityId', { id: 'Fasilitas tujuan sama dengan asal', en: 'Destination is the source facility' });
  }
  const note = mistakes.check(() => checkNote(input.note));
  mistakes.throwIfAny();
  await requireKnownFacility(em, input.fromFacilityId, 'fromFacilityId');
  await requireKnownFacility(em, input.toFacilityId, 'toFacilityId');
  const now = options.now ?? new Date();
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    if (options.sourceKey && (await sourceKeyUsed(tx, `${options.sourceKey}:out`))) return { entries: [], lot };
    refuseRecalled(lot);
    if (lot.expiryDate < localDate(options.at ?? now, config.timeZone)) {
      throw conflict({ id: `Lot ${lot.lotNumber} sudah kedaluwarsa`, en: `Lot ${lot.lotNumber} has expired` }, { field: 'lotId' });
    }
    const pairs = [input.fromFacilityId, input.toFacilityId].map((facilityId) => ({ facilityId, productCode: lot.productCode }));
    await lockStock(tx, pairs);
    const [source] = await tx.execute<{ vvm_stage: number | null }[]>(
      `select vvm_stage from stock_holding where facility_id = ? and lot_id = ?`,
      [input.fromFacilityId, lot.id],
    );
    if (source?.vvm_stage && source.vvm_stage > USABLE_VVM_MAX) {
      throw conflict(
        {
          id: `VVM lot ${lot.lotNumber} tahap ${source.vvm_stage}: tidak boleh dipakai`,
          en: `Lot ${lot.lotNumber} is at VVM stage ${source.vvm_stage}: not usable`,
        },
        { field: 'lotId' },
      );
    }
    const transferId = randomUUID();
    const common = { lot, actor, at: options.at, transferId, note };
    const out = await applyChange(tx, {
      ...common,
      facilityId: input.fromFacilityId,
      quantity: -input.doses,
      reason: 'TRANSFER_OUT',
      counterpartFacilityId: input.toFacilityId,
      sourceKey: options.sourceKey && `${options.sourceKey}:out`,
    });
    const into = await applyChange(tx, {
      ...common,
      facilityId: input.toFacilityId,
      quantity: input.doses,
      reason: 'TRANSFER_IN',
      counterpartFacilityId: input.fromFacilityId,
      sourceKey: options.sourceKey && `${options.sourceKey}:in`,
    });
    if (source?.vvm_stage) {
      // The destination's doses are as heat-exposed as the worst it now holds.
      await tx.execute(`update stock_holding set vvm_stage = greatest(coalesce(vvm_stage, 1), ?) where facility_id = ? and lot_id = ?`, [
        source.vvm_stage,
        input.toFacilityId,
        lot.id,
      ]);
    }
    await publishUsable(tx, pairs, now, config.timeZone);
    return { entries: [out, into], lot };
  });
}

export interface AdjustInput {
  facilityId: string;
  lotId: string;
  reason: (typeof ADJUSTMENT_REASONS)[number];
  doses: number;
  note?: string;
}

/** Takes doses out of stock for a reason (damage, expiry, cold-chain failure, opened-vial discard). */
export async function adjustStock(
  em: EntityManager,
  config: InventoryConfig,
  input: AdjustInput,
  actor: string,
  options: OperationOptions = {},
): Promise<MovementResult> {
  const mistakes = new FieldErrors();
  mistakes.check(() => checkDoses(input.doses));
  if (!(ADJUSTMENT_REASONS as readonly string[]).includes(input.reason)) {
    mistakes.add('reason', {
      id: `Alasan penyesuaian: ${ADJUSTMENT_REASONS.join(', ')}`,
      en: `Adjustment reasons: ${ADJUSTMENT_REASONS.join(', ')}`,
    });
  }
  const note = mistakes.check(() => checkNote(input.note));
  mistakes.throwIfAny();
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  const now = options.now ?? new Date();
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    const entry = await applyChange(tx, {
      facilityId: input.facilityId,
      lot,
      quantity: -input.doses,
      reason: input.reason,
      actor,
      at: options.at,
      note,
    });
    await publishUsable(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }], now, config.timeZone);
    return { entries: [entry], lot };
  });
}

export interface PhysicalCountInput {
  facilityId: string;
  lotId: string;
  countedDoses: number;
  note?: string;
}

/** Sets the balance to what was counted; the difference (possibly zero) is the ledger entry. */
export async function recordPhysicalCount(
  em: EntityManager,
  config: InventoryConfig,
  input: PhysicalCountInput,
  actor: string,
  options: OperationOptions = {},
): Promise<MovementResult> {
  const mistakes = new FieldErrors();
  if (!Number.isInteger(input.countedDoses) || input.countedDoses < 0 || input.countedDoses > MAX_DOSES) {
    mistakes.add('countedDoses', { id: 'Jumlah hitung harus bilangan bulat >= 0', en: 'Counted doses must be a whole number >= 0' });
  }
  const note = mistakes.check(() => checkNote(input.note));
  mistakes.throwIfAny();
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  const now = options.now ?? new Date();
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    const balance = await holdingBalance(tx, input.facilityId, lot.id);
    const entry = await applyChange(tx, {
      facilityId: input.facilityId,
      lot,
      quantity: input.countedDoses - balance,
      reason: 'PHYSICAL_COUNT',
      actor,
      at: options.at,
      note,
    });
    await publishUsable(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }], now, config.timeZone);
    return { entries: [entry], lot };
  });
}

/** Records the VVM stage read on a facility's holding of a lot (3 and 4 make it unusable). */
export async function setVvmStage(
  em: EntityManager,
  config: InventoryConfig,
  input: { facilityId: string; lotId: string; vvmStage: number },
  now = new Date(),
): Promise<LotRow> {
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    const product = (await findProduct(tx, lot.productCode))!;
    checkVvm(product, input.vvmStage);
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    const rows = await tx.execute(
      `update stock_holding set vvm_stage = ?, updated_at = now() where facility_id = ? and lot_id = ? returning 1`,
      [input.vvmStage, input.facilityId, lot.id],
    );
    if (rows.length === 0) throw notFound('Stok lot di fasilitas ini', 'lotId');
    await publishUsable(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }], now, config.timeZone);
    return lot;
  });
}

export interface RecallReport {
  lot: LotRow;
  facilities: { facilityId: string; code: string | null; name: string | null; dosesRemoved: number; usableDosesAfter: number }[];
  sessions: {
    sessionId: string;
    facilityId: string;
    date: string;
    startTime: string;
    endTime: string;
    capacity: number;
    usableDosesAfter: number;
  }[];
  totalDosesRemoved: number;
}

/** Recalls a lot everywhere: every balance leaves stock with reason RECALL and the lot can no longer be received, moved or used. */
export async function recallLot(
  em: EntityManager,
  config: InventoryConfig,
  input: { lotId: string; reason: string },
  actor: string,
  now = new Date(),
): Promise<RecallReport> {
  const reason = input.reason.trim();
  if (!reason || reason.length > 1000) throw badInput('reason', { id: 'Alasan penarikan wajib diisi', en: 'A recall reason is required' });
  return em.transactional(async (tx) => {
    const current = await requireLot(tx, input.lotId, true);
    refuseRecalled(current);
    await tx.execute(`update lot set recalled_at = ?, recall_reason = ? where id = ?`, [now, reason, current.id]);
    const lot = (await findLot(tx, current.id))!;
    const holdings = await tx.execute<{ facility_id: string }[]>(
      `select facility_id from stock_holding where lot_id = ? order by facility_id`,
      [lot.id],
    );
    const pairs = holdings.map((h) => ({ facilityId: h.facility_id, productCode: lot.productCode }));
    await lockStock(tx, pairs);
    const removed = new Map<string, number>();
    for (const { facilityId } of pairs) {
      const balance = await holdingBalance(tx, facilityId, lot.id);
      if (balance > 0) {
        await applyChange(tx, { facilityId, lot, quantity: -balance, reason: 'RECALL', actor, at: now, note: reason });
      }
      removed.set(facilityId, balance);
    }
    const usable = await publishUsable(tx, pairs, now, config.timeZone);
    const affected = [...removed.entries()].filter(([, n]) => n > 0).map(([id]) => id);
    const directory = affected.length
      ? await tx.execute<{ facility_id: string; code: string; name: string }[]>(
          `select facility_id, code, name from facility_directory where facility_id in (?)`,
          [affected],
        )
      : [];
    const sessions = affected.length
      ? await tx.execute<
          { session_id: string; facility_id: string; date: string; start_time: string; end_time: string; capacity: number }[]
        >(
          `select session_id, facility_id, to_char(date, 'YYYY-MM-DD') as date, start_time, end_time, capacity from session_projection
            where facility_id in (?) and product_code = ? and status = 'OPEN' and date >= ?::date
            order by date, start_time, session_id`,
          [affected, lot.productCode, localDate(now, config.timeZone)],
        )
      : [];
    return {
      lot,
      facilities: affected.map((facilityId) => {
        const d = directory.find((r) => r.facility_id === facilityId);
        return {
          facilityId,
          code: d?.code ?? null,
          name: d?.name ?? null,
          dosesRemoved: removed.get(facilityId)!,
          usableDosesAfter: usable.get(`${facilityId}:${lot.productCode}`) ?? 0,
        };
      }),
      sessions: sessions.map((s) => ({
        sessionId: s.session_id,
        facilityId: s.facility_id,
        date: s.date,
        startTime: s.start_time,
        endTime: s.end_time,
        capacity: s.capacity,
        usableDosesAfter: usable.get(`${s.facility_id}:${lot.productCode}`) ?? 0,
      })),
      totalDosesRemoved: [...removed.values()].reduce((a, b) => a + b, 0),
    };
  });
}

export interface OpenedVialRow {
  id: string;
  facilityId: string;
  lotId: string;
  dosesInVial: number;
  dosesUsed: number;
  openedAt: string;
  expiresAt: string;
  closedAt: string | null;
  discardedDoses: number | null;
}

/** Records that a multi-dose vial was opened: its remaining doses must be used before the product's open-vial limit. */
export async function openVial(
  em: EntityManager,
  input: { facilityId: string; lotId: string },
  actor: string,
  at = new Date(),
): Promise<OpenedVialRow> {
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    refuseRecalled(lot);
    const product = (await findProduct(tx, lot.productCode))!;
    if (product.dosesPerVial <= 1 || product.openVialHours === null) {
      throw badInput('lotId', { id: 'Produk ini bukan vial multi-dosis', en: 'This product is not a multi-dose vial' });
    }
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    if ((await holdingBalance(tx, input.facilityId, lot.id)) === 0) throw new InsufficientStock(0, 1);
    return insertOpenedVial(tx, input.facilityId, lot.id, product.dosesPerVial, product.openVialHours, at, actor, 0);
  });
}

export async function insertOpenedVial(
  tx: EntityManager,
  facilityId: string,
  lotId: string,
  dosesInVial: number,
  openVialHours: number,
  at: Date,
  actor: string,
  dosesUsed: number,
): Promise<OpenedVialRow> {
  const id = randomUUID();
  const expiresAt = new Date(at.getTime() + openVialHours * 3_600_000);
  await tx.execute(
    `insert into opened_vial (id, facility_id, lot_id, doses_in_vial, doses_used, opened_at, expires_at, opened_by) values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, facilityId, lotId, dosesInVial, dosesUsed, at, expiresAt, actor],
  );
  return {
    id,
    facilityId,
    lotId,
    dosesInVial,
    dosesUsed,
    openedAt: at.toISOString(),
    expiresAt: expiresAt.toISOString(),
    closedAt: null,
    discardedDoses: null,
  };
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, FieldErrors, notFound, isUuid } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import type { Caller, InventoryContext } from '../../context.js';
import type { StockRow } from './stock.loader.js';
import { inventoryPolicy } from '../../policy.js';
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
} from '../ledger/ledger.store.js';
import { checkDoses, checkNote, checkVvm, MAX_DOSES, refuseRecalled, validDate } from './stock.rules.js';
import * as store from './stock.store.js';

export type { OpenedVialRow } from './stock.store.js';

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

async function requireKnownFacility(em: EntityManager, facilityId: string, field: string): Promise<void> {
  if (!isUuid(facilityId)) throw notFound('Fasilitas', field);
  if (!(await store.facilityKnown(em, facilityId))) throw notFound('Fasilitas', field);
}

async function requireLot(em: EntityManager, lotId: string, forUpdate = false): Promise<LotRow> {
  if (!isUuid(lotId)) throw notFound('Lot', 'lotId');
  const lot = await findLot(em, lotId, forUpdate);
  if (!lot) throw notFound('Lot', 'lotId');
  return lot;
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

/** A delivery into the city store: creates the lot on first receipt. */
export async function receiveStock(
  em: EntityManager,
  config: InventoryConfig,
  input: ReceiveInput,
  caller: Caller,
  options: OperationOptions = {},
): Promise<MovementResult> {
  inventoryPolicy.cityStore(caller.claims, config.cityStoreFacilityId);
  const { actor } = caller;
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
  const product = await store.findProduct(em, input.productCode);
  if (product) mistakes.check(() => checkVvm(product, input.vvmStage));
  mistakes.throwIfAny();
  if (!product) throw notFound('Produk vaksin', 'productCode');
  const manufacturer = input.manufacturer?.trim() || undefined;
  return em.transactional(async (tx) => {
    if (options.sourceKey && (await sourceKeyUsed(tx, options.sourceKey))) {
      return { entries: [], lot: (await findLotByNumber(tx, input.productCode, lotNumber))! };
    }
    await store.insertLot(tx, {
      id: randomUUID(),
      productCode: product.code,
      lotNumber,
      expiryDate: input.expiryDate,
      manufacturer: manufacturer ?? null,
    });
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
      await store.worsenHoldingVvm(tx, { facilityId: config.cityStoreFacilityId, lotId: lot.id, vvmStage: input.vvmStage ?? 1 });
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
  caller: Caller,
  options: OperationOptions = {},
): Promise<MovementResult> {
  inventoryPolicy.facility(caller.claims, input.fromFacilityId);
  const { actor } = caller;
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
    const sourceVvm = await store.holdingVvm(tx, { facilityId: input.fromFacilityId, lotId: lot.id });
    if (sourceVvm && sourceVvm > USABLE_VVM_MAX) {
      throw conflict(
        {
          id: `VVM lot ${lot.lotNumber} tahap ${sourceVvm}: tidak boleh dipakai`,
          en: `Lot ${lot.lotNumber} is at VVM stage ${sourceVvm}: not usable`,
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
    if (sourceVvm) {
      // The destination's doses are as heat-exposed as the worst it now holds.
      await store.worsenHoldingVvm(tx, { facilityId: input.toFacilityId, lotId: lot.id, vvmStage: sourceVvm });
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
  caller: Caller,
  options: OperationOptions = {},
): Promise<MovementResult> {
  inventoryPolicy.facility(caller.claims, input.facilityId);
  const { actor } = caller;
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
  caller: Caller,
  options: OperationOptions = {},
): Promise<MovementResult> {
  inventoryPolicy.facility(caller.claims, input.facilityId);
  const { actor } = caller;
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
  caller: Caller,
  now = new Date(),
): Promise<LotRow> {
  inventoryPolicy.facility(caller.claims, input.facilityId);
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    const product = (await store.findProduct(tx, lot.productCode))!;
    checkVvm(product, input.vvmStage);
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    if (!(await store.setHoldingVvm(tx, { facilityId: input.facilityId, lotId: lot.id, vvmStage: input.vvmStage })))
      throw notFound('Stok lot di fasilitas ini', 'lotId');
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
  caller: Caller,
  now = new Date(),
): Promise<RecallReport> {
  inventoryPolicy.admin(caller.claims);
  const { actor } = caller;
  const reason = input.reason.trim();
  if (!reason || reason.length > 1000) throw badInput('reason', { id: 'Alasan penarikan wajib diisi', en: 'A recall reason is required' });
  return em.transactional(async (tx) => {
    const current = await requireLot(tx, input.lotId, true);
    refuseRecalled(current);
    await store.markRecalled(tx, { lotId: current.id, at: now, reason });
    const lot = (await findLot(tx, current.id))!;
    const holdings = await store.facilitiesHolding(tx, lot.id);
    const pairs = holdings.map((facilityId) => ({ facilityId, productCode: lot.productCode }));
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
    const directory = await store.directoryEntries(tx, affected);
    const sessions = await store.openSessionsUsing(tx, {
      facilityIds: affected,
      productCode: lot.productCode,
      fromDate: localDate(now, config.timeZone),
    });
    return {
      lot,
      facilities: affected.map((facilityId) => {
        const d = directory.find((r) => r.facilityId === facilityId);
        return {
          facilityId,
          code: d?.code ?? null,
          name: d?.name ?? null,
          dosesRemoved: removed.get(facilityId)!,
          usableDosesAfter: usable.get(`${facilityId}:${lot.productCode}`) ?? 0,
        };
      }),
      sessions: sessions.map((s) => ({ ...s, usableDosesAfter: usable.get(`${s.facilityId}:${lot.productCode}`) ?? 0 })),
      totalDosesRemoved: [...removed.values()].reduce((a, b) => a + b, 0),
    };
  });
}

/** Records that a multi-dose vial was opened: its remaining doses must be used before the product's open-vial limit. */
export async function openVial(
  em: EntityManager,
  input: { facilityId: string; lotId: string },
  caller: Caller,
  at = new Date(),
): Promise<store.OpenedVialRow> {
  inventoryPolicy.facility(caller.claims, input.facilityId);
  await requireKnownFacility(em, input.facilityId, 'facilityId');
  return em.transactional(async (tx) => {
    const lot = await requireLot(tx, input.lotId);
    refuseRecalled(lot);
    const product = (await store.findProduct(tx, lot.productCode))!;
    if (product.dosesPerVial <= 1 || product.openVialHours === null) {
      throw badInput('lotId', { id: 'Produk ini bukan vial multi-dosis', en: 'This product is not a multi-dose vial' });
    }
    await lockStock(tx, [{ facilityId: input.facilityId, productCode: lot.productCode }]);
    if ((await holdingBalance(tx, input.facilityId, lot.id)) === 0) throw new InsufficientStock(0, 1);
    return store.insertOpenedVial(tx, {
      facilityId: input.facilityId,
      lotId: lot.id,
      dosesInVial: product.dosesPerVial,
      openVialHours: product.openVialHours,
      openedAt: at,
      openedBy: caller.actor,
      dosesUsed: 0,
    });
  });
}

/** Usable and on-hand doses per product at one facility (batched through the request's loader). Public. */
export async function facilityStock(ctx: InventoryContext, facilityId: string): Promise<StockRow[]> {
  inventoryPolicy.publicRead();
  return ctx.loaders.facilityStock.load(facilityId);
}

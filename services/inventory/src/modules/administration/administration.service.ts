import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  decodeCursor,
  notFound,
  pageSize,
  toConnection,
  type Connection,
  type DoseCorrectedPayload,
  type DoseRecordPayload,
  isUuid,
} from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import type { Caller } from '../../context.js';
import { inventoryPolicy } from '../../policy.js';
import {
  applyChange,
  findLot,
  findLotByNumber,
  findLotsByNumber,
  InsufficientStock,
  lockStock,
  publishUsable,
  type LotRow,
} from '../ledger/ledger.store.js';
import { findProduct, insertOpenedVial } from '../stock/stock.store.js';
import * as store from './administration.store.js';

export type { ReconciliationRow } from './administration.store.js';

/** Why a recorded dose could not be taken from stock (it waits for an admin to reconcile it). */
export type FlagReason = 'UNKNOWN_LOT' | 'NOT_HELD' | 'INSUFFICIENT_BALANCE' | 'LOT_RECALLED' | 'CORRECTION_SAME_RECORD';
export type AdministrationOutcome =
  | { status: 'TAKEN'; entryId: string }
  | { status: 'FLAGGED'; reason: FlagReason; grouped?: true }
  | { status: 'ALREADY_APPLIED' }
  | { status: 'IGNORED' };

export const ADMINISTRATION_ACTOR = 'immunization:dose.recorded';

/**
 * Takes one administered dose from the lot it names at the facility that gave it, exactly once per
 * dose record: the dose_administration row is claimed first (a concurrent or repeated delivery finds
 * it and does nothing), and the ledger entry is also keyed by the dose record. A dose the facility's
 * stock cannot cover is flagged for reconciliation instead of being lost or making stock negative.
 */
export async function recordAdministration(
  tx: EntityManager,
  config: InventoryConfig,
  dose: DoseRecordPayload,
  now = new Date(),
): Promise<AdministrationOutcome> {
  inventoryPolicy.fromEvent();
  const claimed = await store.claimDose(tx, dose);
  if (!claimed) return { status: 'ALREADY_APPLIED' };
  if (dose.historyLots === 'IGNORE') {
    await store.setStatus(tx, { doseRecordId: dose.doseRecordId, status: 'IGNORED' });
    return { status: 'IGNORED' };
  }
  // A dose imported from history joins its lot's one reconciliation item instead of being an item of its own.
  const grouped = dose.historyLots === 'GROUP';
  const flag = async (reason: FlagReason): Promise<AdministrationOutcome> => {
    await store.setStatus(tx, { doseRecordId: dose.doseRecordId, status: grouped ? 'GROUPED' : 'FLAGGED', flagReason: reason });
    return grouped ? { status: 'FLAGGED', reason, grouped } : { status: 'FLAGGED', reason };
  };
  const lot = await findLotByNumber(tx, dose.productCode, dose.lotNumber.trim());
  if (!lot) return flag('UNKNOWN_LOT');
  if (lot.recalledAt) return flag('LOT_RECALLED');
  return takeFromLot(tx, config, dose, lot, flag, now);
}

/** Takes a claimed dose from a known, not recalled lot at its facility (flagged when the facility cannot cover it). */
async function takeFromLot(
  tx: EntityManager,
  config: InventoryConfig,
  dose: DoseRecordPayload,
  lot: LotRow,
  flag: (reason: FlagReason) => Promise<AdministrationOutcome>,
  now: Date,
): Promise<AdministrationOutcome> {
  const pair = { facilityId: dose.facilityId, productCode: lot.productCode };
  await lockStock(tx, [pair]);
  let entryId: string;
  try {
    const entry = await applyChange(tx, {
      facilityId: dose.facilityId,
      lot,
      quantity: -1,
      reason: 'ADMINISTERED',
      actor: ADMINISTRATION_ACTOR,
      at: new Date(dose.administeredAt),
      doseRecordId: dose.doseRecordId,
      sourceKey: `dose:${dose.doseRecordId}`,
    });
    entryId = entry.id;
  } catch (error) {
    if (!(error instanceof InsufficientStock)) throw error;
    const held = await store.holds(tx, { facilityId: dose.facilityId, lotId: lot.id });
    return flag(held ? 'INSUFFICIENT_BALANCE' : 'NOT_HELD');
  }
  await store.setStatus(tx, { doseRecordId: dose.doseRecordId, status: 'TAKEN', entryId });
  await useFromOpenVial(tx, dose.facilityId, lot.id, lot.productCode, new Date(dose.administeredAt));
  await publishUsable(tx, [pair], now, config.timeZone);
  return { status: 'TAKEN', entryId };
}

/**
 * recordAdministration for a run of doses (a bulk import delivers thousands): the lot look-ups are
 * one statement, the claims with the final status of every dose that moves no stock (ignored, unknown
 * or recalled lot: most of an imported history) another; only doses taken from a known lot go one by
 * one, in the run's order, through the ledger. Same outcome per dose as one at a time.
 */
export async function recordAdministrations(
  tx: EntityManager,
  config: InventoryConfig,
  doses: DoseRecordPayload[],
  now = new Date(),
): Promise<void> {
  inventoryPolicy.fromEvent();
  // Lots first, so that each claim is written with its final status (one statement, no second write of
  // the row); a dose taken from a known lot is claimed FLAGGED and decided by the ledger below.
  const lots = await findLotsByNumber(
    tx,
    doses.filter((d) => d.historyLots !== 'IGNORE').map((d) => ({ productCode: d.productCode, lotNumber: d.lotNumber.trim() })),
  );
  const decided = new Map<string, { status: 'IGNORED' | 'GROUPED' | 'FLAGGED'; flagReason: FlagReason | null }>();
  const lotOf = new Map<string, LotRow>();
  for (const d of doses) {
    if (d.historyLots === 'IGNORE') {
      decided.set(d.doseRecordId, { status: 'IGNORED', flagReason: null });
      continue;
    }
    const lot = lots.get(`${d.productCode}|${d.lotNumber.trim()}`);
    const status = d.historyLots === 'GROUP' ? 'GROUPED' : 'FLAGGED';
    if (!lot) decided.set(d.doseRecordId, { status, flagReason: 'UNKNOWN_LOT' });
    else if (lot.recalledAt) decided.set(d.doseRecordId, { status, flagReason: 'LOT_RECALLED' });
    else lotOf.set(d.doseRecordId, lot);
  }
  const claimed = await store.claimDoses(
    tx,
    doses.map((d) => ({ ...d, ...(decided.get(d.doseRecordId) ?? { status: 'FLAGGED', flagReason: null }) })),
  );
  const toTake: { dose: DoseRecordPayload; lot: LotRow }[] = [];
  for (const d of doses) {
    if (!claimed.delete(d.doseRecordId)) continue;
    const lot = lotOf.get(d.doseRecordId);
    if (lot) toTake.push({ dose: d, lot });
  }
  for (const { dose, lot } of toTake) {
    const grouped = dose.historyLots === 'GROUP';
    const flag = async (reason: FlagReason): Promise<AdministrationOutcome> => {
      await store.setStatus(tx, { doseRecordId: dose.doseRecordId, status: grouped ? 'GROUPED' : 'FLAGGED', flagReason: reason });
      return { status: 'FLAGGED', reason };
    };
    await takeFromLot(tx, config, dose, lot, flag, now);
  }
}

/** Counts the dose against the facility's open vial of the lot, opening one implicitly when none has doses left. */
async function useFromOpenVial(tx: EntityManager, facilityId: string, lotId: string, productCode: string, at: Date): Promise<void> {
  const product = (await findProduct(tx, productCode))!;
  if (product.dosesPerVial <= 1 || product.openVialHours === null) return;
  if (!(await store.useOpenVial(tx, { facilityId, lotId, at }))) {
    await insertOpenedVial(tx, {
      facilityId,
      lotId,
      dosesInVial: product.dosesPerVial,
      openVialHours: product.openVialHours,
      openedAt: at,
      openedBy: ADMINISTRATION_ACTOR,
      dosesUsed: 1,
    });
  }
}

/**
 * A correction supersedes a dose record: the superseded dose goes back to stock (a positive
 * ADMINISTERED entry keyed by the record) and the replacement, if any, is taken like a new dose.
 */
export async function applyCorrection(
  tx: EntityManager,
  config: InventoryConfig,
  correction: DoseCorrectedPayload,
  now = new Date(),
): Promise<void> {
  inventoryPolicy.fromEvent();
  const oldId = correction.supersededDoseRecordId;
  const replacement = correction.record;
  const old = correction.superseded;
  if (
    replacement &&
    replacement.doseRecordId === oldId &&
    replacement.facilityId === old.facilityId &&
    replacement.productCode === old.productCode &&
    replacement.lotNumber === old.lotNumber
  ) {
    return; // nothing about stock changed
  }
  const row = await store.lockAdministration(tx, oldId);
  const resolution = `superseded: ${correction.reason}`;
  if (!row) {
    // Never seen (the original is still on its way): remember it as reversed so it is never taken.
    await store.insertReversed(tx, {
      doseRecordId: oldId,
      facilityId: old.facilityId,
      productCode: old.productCode,
      lotNumber: old.lotNumber,
      administeredAt: old.administeredAt,
      resolution,
    });
  } else if (row.status === 'TAKEN' && row.entryId) {
    const lotId = await store.entryLot(tx, row.entryId);
    const lot = (await findLot(tx, lotId!))!;
    const pair = { facilityId: row.facilityId, productCode: lot.productCode };
    await lockStock(tx, [pair]);
    await applyChange(tx, {
      facilityId: row.facilityId,
      lot,
      quantity: 1,
      reason: 'ADMINISTERED',
      actor: 'immunization:dose.corrected',
      doseRecordId: oldId,
      sourceKey: `dose-reversal:${oldId}`,
      note: `dose record superseded: ${correction.reason}`.slice(0, 1000),
    });
    await store.markReversed(tx, { doseRecordId: oldId, resolution });
    await publishUsable(tx, [pair], now, config.timeZone);
  } else if (row.status === 'FLAGGED' || row.status === 'GROUPED' || row.status === 'IGNORED') {
    await store.markReversedResolved(tx, { doseRecordId: oldId, at: now, resolution });
  }
  if (!replacement) return;
  if (replacement.doseRecordId === oldId) {
    // The same record now names other stock: its one ledger key is used, so a person reconciles it.
    await store.flagSameRecordCorrection(tx, oldId);
    return;
  }
  await recordAdministration(tx, config, replacement, now);
}

/**
 * Recorded doses the stock could not cover: the facility the caller may list (the policy decides the
 * scope; an admin without a facility sees the city).
 */
export async function doseReconciliations<T>(
  em: EntityManager,
  caller: Caller,
  filter: { facilityId?: string; includeResolved: boolean; first: number; after?: string | null },
  toNode: (row: store.ReconciliationRow) => T,
): Promise<Connection<T>> {
  const facility = inventoryPolicy.listScope(caller.claims, filter.facilityId);
  const size = pageSize(filter.first, 100, 1000);
  const micros = (v: unknown): boolean => typeof v === 'string' && /^-?\d{1,19}$/.test(v);
  const after = filter.after ? (decodeCursor(filter.after, [micros, isUuid]) as [string, string]) : undefined;
  if (facility && !isUuid(facility)) return toConnection([], size, 0, () => [], toNode);
  const where = { facilityId: facility, includeResolved: filter.includeResolved };
  const [rows, total] = await Promise.all([
    store.listReconciliations(em, { ...where, limit: size + 1, after }),
    store.countReconciliations(em, where),
  ]);
  return toConnection(rows, size, total, (r) => [r.cursorMicros, r.doseRecordId], toNode);
}

/** Marks a flagged dose as reconciled (e.g. after a physical count or a corrected record); stock moves only through the ledger. */
export async function resolveDoseReconciliation(
  em: EntityManager,
  caller: Caller,
  input: { doseRecordId: string; resolution: string },
): Promise<store.ReconciliationRow> {
  inventoryPolicy.reconciliation(caller.claims, 'before');
  const { doseRecordId } = input;
  const resolution = input.resolution.trim();
  if (!resolution || resolution.length > 1000)
    throw badInput('resolution', { id: 'Keterangan penyelesaian wajib diisi', en: 'A resolution is required' });
  const [row] = isUuid(doseRecordId) ? await store.listReconciliations(em, { doseRecordId, includeResolved: true, limit: 1 }) : [];
  inventoryPolicy.reconciliation(caller.claims, row?.facilityId);
  if (!row) throw notFound('Dosis', 'doseRecordId');
  if (!(await store.markResolved(em, { doseRecordId, resolution, actor: caller.actor }))) {
    throw notFound('Dosis yang belum direkonsiliasi', 'doseRecordId');
  }
  const [resolved] = await store.listReconciliations(em, { doseRecordId, includeResolved: true, limit: 1 });
  return resolved!;
}

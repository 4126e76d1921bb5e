import type { EntityManager } from '@mikro-orm/postgresql';
import type { DoseCorrectedPayload, DoseRecordPayload } from '@victori/shared';
import type { InventoryConfig } from '../../config.js';
import { applyChange, findLot, findLotByNumber, InsufficientStock, lockStock, publishUsable } from '../ledger/ledger.service.js';
import { findProduct, insertOpenedVial } from '../stock/stock.service.js';

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
  const claimed = await tx.execute(
    `insert into dose_administration (dose_record_id, facility_id, product_code, lot_number, administered_at, status)
     values (?, ?, ?, ?, ?, 'FLAGGED') on conflict (dose_record_id) do nothing returning dose_record_id`,
    [dose.doseRecordId, dose.facilityId, dose.productCode, dose.lotNumber, dose.administeredAt],
  );
  if (claimed.length === 0) return { status: 'ALREADY_APPLIED' };
  if (dose.historyLots === 'IGNORE') {
    await tx.execute(`update dose_administration set status = 'IGNORED' where dose_record_id = ?`, [dose.doseRecordId]);
    return { status: 'IGNORED' };
  }
  // A dose imported from history joins its lot's one reconciliation item instead of being an item of its own.
  const grouped = dose.historyLots === 'GROUP';
  const flag = async (reason: FlagReason): Promise<AdministrationOutcome> => {
    await tx.execute(`update dose_administration set status = ?, flag_reason = ? where dose_record_id = ?`, [
      grouped ? 'GROUPED' : 'FLAGGED',
      reason,
      dose.doseRecordId,
    ]);
    return grouped ? { status: 'FLAGGED', reason, grouped } : { status: 'FLAGGED', reason };
  };
  const lot = await findLotByNumber(tx, dose.productCode, dose.lotNumber.trim());
  if (!lot) return flag('UNKNOWN_LOT');
  if (lot.recalledAt) return flag('LOT_RECALLED');
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
    const held = await tx.execute(`select 1 from stock_holding where facility_id = ? and lot_id = ?`, [dose.facilityId, lot.id]);
    return flag(held.length ? 'INSUFFICIENT_BALANCE' : 'NOT_HELD');
  }
  await tx.execute(`update dose_administration set status = 'TAKEN', entry_id = ? where dose_record_id = ?`, [entryId, dose.doseRecordId]);
  await useFromOpenVial(tx, dose.facilityId, lot.id, lot.productCode, new Date(dose.administeredAt));
  await publishUsable(tx, [pair], now, config.timeZone);
  return { status: 'TAKEN', entryId };
}

/** Counts the dose against the facility's open vial of the lot, opening one implicitly when none has doses left. */
async function useFromOpenVial(tx: EntityManager, facilityId: string, lotId: string, productCode: string, at: Date): Promise<void> {
  const product = (await findProduct(tx, productCode))!;
  if (product.dosesPerVial <= 1 || product.openVialHours === null) return;
  const used = await tx.execute(
    `update opened_vial set doses_used = doses_used + 1, closed_at = case when doses_used + 1 = doses_in_vial then ?::timestamptz end
      where id = (select id from opened_vial where facility_id = ? and lot_id = ? and closed_at is null and doses_used < doses_in_vial
                   and opened_at <= ? and expires_at > ? order by opened_at limit 1)
      returning id`,
    [at, facilityId, lotId, at, at],
  );
  if (used.length === 0)
    await insertOpenedVial(tx, facilityId, lotId, product.dosesPerVial, product.openVialHours, at, ADMINISTRATION_ACTOR, 1);
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
  const [row] = await tx.execute<{ status: string; entry_id: string | null; facility_id: string }[]>(
    `select status, entry_id, facility_id from dose_administration where dose_record_id = ? for update`,
    [oldId],
  );
  if (!row) {
    // Never seen (the original is still on its way): remember it as reversed so it is never taken.
    await tx.execute(
      `insert into dose_administration (dose_record_id, facility_id, product_code, lot_number, administered_at, status, resolution)
       values (?, ?, ?, ?, ?, 'REVERSED', ?) on conflict (dose_record_id) do nothing`,
      [oldId, old.facilityId, old.productCode, old.lotNumber, old.administeredAt, `superseded: ${correction.reason}`],
    );
  } else if (row.status === 'TAKEN' && row.entry_id) {
    const [entry] = await tx.execute<{ lot_id: string }[]>(`select lot_id from stock_ledger_entry where id = ?`, [row.entry_id]);
    const lot = (await findLot(tx, entry!.lot_id))!;
    const pair = { facilityId: row.facility_id, productCode: lot.productCode };
    await lockStock(tx, [pair]);
    await applyChange(tx, {
      facilityId: row.facility_id,
      lot,
      quantity: 1,
      reason: 'ADMINISTERED',
      actor: 'immunization:dose.corrected',
      doseRecordId: oldId,
      sourceKey: `dose-reversal:${oldId}`,
      note: `dose record superseded: ${correction.reason}`.slice(0, 1000),
    });
    await tx.execute(`update dose_administration set status = 'REVERSED', resolution = ? where dose_record_id = ?`, [
      `superseded: ${correction.reason}`,
      oldId,
    ]);
    await publishUsable(tx, [pair], now, config.timeZone);
  } else if (row.status === 'FLAGGED' || row.status === 'GROUPED' || row.status === 'IGNORED') {
    await tx.execute(
      `update dose_administration set status = 'REVERSED', resolved_at = coalesce(resolved_at, ?), resolved_by = coalesce(resolved_by, 'immunization:dose.corrected'),
         resolution = coalesce(resolution, ?) where dose_record_id = ?`,
      [now, `superseded: ${correction.reason}`, oldId],
    );
  }
  if (!replacement) return;
  if (replacement.doseRecordId === oldId) {
    // The same record now names other stock: its one ledger key is used, so a person reconciles it.
    await tx.execute(
      `update dose_administration set status = 'FLAGGED', flag_reason = 'CORRECTION_SAME_RECORD', resolved_at = null where dose_record_id = ?`,
      [oldId],
    );
    return;
  }
  await recordAdministration(tx, config, replacement, now);
}

export interface ReconciliationRow {
  doseRecordId: string;
  facilityId: string;
  productCode: string;
  lotNumber: string;
  administeredAt: string;
  status: string;
  reason: string | null;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  /** 1, or the doses of a grouped historical lot. */
  doses: number;
}

export async function listReconciliations(
  em: EntityManager,
  filter: { facilityId?: string; doseRecordId?: string; includeResolved: boolean; limit: number },
): Promise<ReconciliationRow[]> {
  // Single doses: every flagged (or, when asked, reversed and resolved) row.
  const single = [`flag_reason is not null`, `status <> 'GROUPED'`];
  // Grouped historical doses: one item per facility, product, lot, reason (and open or resolved).
  const grouped = [`status = 'GROUPED'`];
  const singleParams: unknown[] = [];
  const groupParams: unknown[] = [];
  if (!filter.includeResolved) {
    single.push(`resolved_at is null and status = 'FLAGGED'`);
    grouped.push(`resolved_at is null`);
  }
  if (filter.facilityId) {
    single.push(`facility_id = ?`);
    singleParams.push(filter.facilityId);
    grouped.push(`facility_id = ?`);
    groupParams.push(filter.facilityId);
  }
  if (filter.doseRecordId) {
    single.push(`dose_record_id = ?`);
    singleParams.push(filter.doseRecordId);
    grouped.push(
      `(facility_id, product_code, lot_number, flag_reason) = (select facility_id, product_code, lot_number, flag_reason from dose_administration where dose_record_id = ?)`,
    );
    groupParams.push(filter.doseRecordId);
  }
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from (
       select dose_record_id, facility_id, product_code, lot_number, administered_at, status, flag_reason, created_at,
              resolved_at, resolved_by, resolution, 1 as doses
         from dose_administration where ${single.join(' and ')}
       union all
       select (array_agg(dose_record_id order by created_at, dose_record_id))[1], facility_id, product_code, lot_number,
              min(administered_at), 'GROUPED', flag_reason, min(created_at), max(resolved_at), max(resolved_by), max(resolution), count(*)
         from dose_administration where ${grouped.join(' and ')}
        group by facility_id, product_code, lot_number, flag_reason, resolved_at is null
     ) items order by created_at, dose_record_id limit ?`,
    [...singleParams, ...groupParams, filter.limit],
  );
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return rows.map((r) => ({
    doseRecordId: String(r.dose_record_id),
    facilityId: String(r.facility_id),
    productCode: String(r.product_code),
    lotNumber: String(r.lot_number),
    administeredAt: iso(r.administered_at)!,
    status: String(r.status),
    reason: (r.flag_reason as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    resolvedAt: iso(r.resolved_at),
    resolvedBy: (r.resolved_by as string | null) ?? null,
    resolution: (r.resolution as string | null) ?? null,
    doses: Number(r.doses),
  }));
}

/** Marks a flagged dose as reconciled (e.g. after a physical count or a corrected record); stock moves only through the ledger. */
export async function resolveReconciliation(
  em: EntityManager,
  doseRecordId: string,
  resolution: string,
  actor: string,
): Promise<ReconciliationRow | undefined> {
  // A grouped dose resolves its whole group: the item the list showed.
  const rows = await em.execute(
    `update dose_administration set resolved_at = now(), resolved_by = ?, resolution = ?
      where resolved_at is null and (
        (dose_record_id = ? and status = 'FLAGGED')
        or (status = 'GROUPED' and (facility_id, product_code, lot_number, flag_reason) =
             (select facility_id, product_code, lot_number, flag_reason from dose_administration where dose_record_id = ? and status = 'GROUPED')))
      returning dose_record_id`,
    [actor, resolution, doseRecordId, doseRecordId],
  );
  if (rows.length === 0) return undefined;
  const [row] = await listReconciliations(em, { doseRecordId, includeResolved: true, limit: 1 });
  return row;
}

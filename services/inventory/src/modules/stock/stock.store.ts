import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql, sqlPrepared, isUuid } from '@victori/shared';
import { USABLE_VVM_MAX } from '../ledger/ledger.store.js';

/** SQL of stock movements that is not the ledger itself: products, holdings' VVM, recalls, opened vials. */

export interface ProductRow {
  code: string;
  dosesPerVial: number;
  usesVvm: boolean;
  openVialHours: number | null;
}

export async function findProduct(em: EntityManager, code: string): Promise<ProductRow | undefined> {
  const [row] = await sql<{ code: string; doses_per_vial: number; uses_vvm: boolean; open_vial_hours: number | null }>(
    em,
    `select code, doses_per_vial, uses_vvm, open_vial_hours from vaccine_product where code = :code`,
    { code },
  );
  return row ? { code: row.code, dosesPerVial: row.doses_per_vial, usesVvm: row.uses_vvm, openVialHours: row.open_vial_hours } : undefined;
}

export async function facilityKnown(em: EntityManager, facilityId: string): Promise<boolean> {
  const rows = await sql(em, `select 1 from facility_directory where facility_id = :facilityId`, { facilityId });
  return rows.length > 0;
}

/** Registers a lot on its first receipt (nothing when it exists; the product's manufacturer by default). */
export async function insertLot(
  tx: EntityManager,
  lot: { id: string; productCode: string; lotNumber: string; expiryDate: string; manufacturer: string | null },
): Promise<void> {
  await sql(
    tx,
    `insert into lot (id, product_code, lot_number, expiry_date, manufacturer)
     select :id, :productCode, :lotNumber, :expiryDate::date, coalesce(:manufacturer, manufacturer) from vaccine_product where code = :productCode
     on conflict (product_code, lot_number) do nothing`,
    lot,
  );
}

/** A holding's VVM stage only ever worsens: it becomes the worse of what it was and `vvmStage`. */
export async function worsenHoldingVvm(tx: EntityManager, key: { facilityId: string; lotId: string; vvmStage: number }): Promise<void> {
  await sql(
    tx,
    `update stock_holding set vvm_stage = greatest(coalesce(vvm_stage, 1), :vvmStage) where facility_id = :facilityId and lot_id = :lotId`,
    key,
  );
}

export async function holdingVvm(tx: EntityManager, key: { facilityId: string; lotId: string }): Promise<number | null | undefined> {
  const [row] = await sql<{ vvm_stage: number | null }>(
    tx,
    `select vvm_stage from stock_holding where facility_id = :facilityId and lot_id = :lotId`,
    key,
  );
  return row ? row.vvm_stage : undefined;
}

/** Sets the VVM stage read on a holding; false when the facility holds no such lot. */
export async function setHoldingVvm(tx: EntityManager, key: { facilityId: string; lotId: string; vvmStage: number }): Promise<boolean> {
  const rows = await sql(
    tx,
    `update stock_holding set vvm_stage = :vvmStage, updated_at = now() where facility_id = :facilityId and lot_id = :lotId returning 1`,
    key,
  );
  return rows.length > 0;
}

export async function markRecalled(tx: EntityManager, lot: { lotId: string; at: Date; reason: string }): Promise<void> {
  await sql(tx, `update lot set recalled_at = :at, recall_reason = :reason where id = :lotId`, lot);
}

/** Facilities that ever held a lot, in id order (the order stock locks are taken in). */
export async function facilitiesHolding(tx: EntityManager, lotId: string): Promise<string[]> {
  const rows = await sql<{ facility_id: string }>(tx, `select facility_id from stock_holding where lot_id = :lotId order by facility_id`, {
    lotId,
  });
  return rows.map((r) => r.facility_id);
}

export interface DirectoryEntry {
  facilityId: string;
  code: string;
  name: string;
}

export async function directoryEntries(tx: EntityManager, facilityIds: string[]): Promise<DirectoryEntry[]> {
  if (facilityIds.length === 0) return [];
  const rows = await sql<{ facility_id: string; code: string; name: string }>(
    tx,
    `select facility_id, code, name from facility_directory where facility_id in (:facilityIds)`,
    { facilityIds },
  );
  return rows.map((r) => ({ facilityId: r.facility_id, code: r.code, name: r.name }));
}

export interface OpenSessionRow {
  sessionId: string;
  facilityId: string;
  date: string;
  startTime: string;
  endTime: string;
  capacity: number;
}

/** Open sessions from `fromDate` on at these facilities that use the product (booking's sessions, projected). */
export async function openSessionsUsing(
  tx: EntityManager,
  filter: { facilityIds: string[]; productCode: string; fromDate: string },
): Promise<OpenSessionRow[]> {
  if (filter.facilityIds.length === 0) return [];
  const rows = await sql<{ session_id: string; facility_id: string; date: string; start_time: string; end_time: string; capacity: number }>(
    tx,
    `select session_id, facility_id, to_char(date, 'YYYY-MM-DD') as date, start_time, end_time, capacity from session_projection
      where facility_id in (:facilityIds) and product_code = :productCode and status = 'OPEN' and date >= :fromDate::date
      order by date, start_time, session_id`,
    filter,
  );
  return rows.map((s) => ({
    sessionId: s.session_id,
    facilityId: s.facility_id,
    date: s.date,
    startTime: s.start_time,
    endTime: s.end_time,
    capacity: s.capacity,
  }));
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

/** Records an opened multi-dose vial; its doses must be used within `openVialHours` of `openedAt`. */
export async function insertOpenedVial(
  tx: EntityManager,
  opened: {
    facilityId: string;
    lotId: string;
    dosesInVial: number;
    openVialHours: number;
    openedAt: Date;
    openedBy: string;
    dosesUsed: number;
  },
): Promise<OpenedVialRow> {
  const { openVialHours, ...fields } = opened;
  const vial = { id: randomUUID(), ...fields, expiresAt: new Date(opened.openedAt.getTime() + openVialHours * 3_600_000) };
  await sql(
    tx,
    `insert into opened_vial (id, facility_id, lot_id, doses_in_vial, doses_used, opened_at, expires_at, opened_by)
     values (:id, :facilityId, :lotId, :dosesInVial, :dosesUsed, :openedAt, :expiresAt, :openedBy)`,
    vial,
  );
  return {
    id: vial.id,
    facilityId: vial.facilityId,
    lotId: vial.lotId,
    dosesInVial: vial.dosesInVial,
    dosesUsed: vial.dosesUsed,
    openedAt: vial.openedAt.toISOString(),
    expiresAt: vial.expiresAt.toISOString(),
    closedAt: null,
    discardedDoses: null,
  };
}

export interface FacilityStockRow {
  facilityId: string;
  productCode: string;
  usableDoses: number;
  onHandDoses: number;
}

/** Usable and on-hand doses per facility and product the facility holds, for many facilities in one query. */
export async function facilityStock(
  em: EntityManager,
  filter: { facilityIds: readonly string[]; today: string },
): Promise<FacilityStockRow[]> {
  // Malformed ids (a representation is the caller's text) find nothing rather than failing the uuid cast.
  const ids = filter.facilityIds.filter(isUuid);
  if (ids.length === 0) return [];
  // Prepared: every availability search asks for its facilities' stock.
  const rows = await sqlPrepared<{ facility_id: string; product_code: string; usable: string; on_hand: string }>(
    em,
    `select h.facility_id, l.product_code, sum(h.balance) as on_hand,
            coalesce(sum(h.balance) filter (where l.recalled_at is null and l.expiry_date >= :today::date
                                             and (h.vvm_stage is null or h.vvm_stage <= ${USABLE_VVM_MAX})), 0) as usable
       from stock_holding h join lot l on l.id = h.lot_id
      where h.facility_id = any(:facilityIds::uuid[]) and h.balance > 0
      group by h.facility_id, l.product_code
      order by l.product_code`,
    { today: filter.today, facilityIds: pgArray(ids) },
  );
  return rows.map((r) => ({
    facilityId: r.facility_id,
    productCode: r.product_code,
    usableDoses: Number(r.usable),
    onHandDoses: Number(r.on_hand),
  }));
}

/** Open vials whose open-time limit passed by `now`, oldest first. */
export async function openVialsPastLimit(em: EntityManager, now: Date): Promise<{ id: string; facilityId: string; lotId: string }[]> {
  const rows = await sql<{ id: string; facility_id: string; lot_id: string }>(
    em,
    `select id, facility_id, lot_id from opened_vial where closed_at is null and expires_at <= :now order by expires_at, id`,
    { now },
  );
  return rows.map((r) => ({ id: r.id, facilityId: r.facility_id, lotId: r.lot_id }));
}

/** Locks an open vial; undefined when it was closed meanwhile. */
export async function lockOpenVial(
  tx: EntityManager,
  id: string,
): Promise<{ dosesInVial: number; dosesUsed: number; expiresAt: string } | undefined> {
  const [row] = await sql<{ doses_in_vial: number; doses_used: number; expires_at: string }>(
    tx,
    `select doses_in_vial, doses_used, expires_at from opened_vial where id = :id and closed_at is null for update`,
    { id },
  );
  return row ? { dosesInVial: row.doses_in_vial, dosesUsed: row.doses_used, expiresAt: row.expires_at } : undefined;
}

export async function closeVial(
  tx: EntityManager,
  v: { id: string; at: Date; discardedDoses: number; discardEntryId: string | null },
): Promise<void> {
  await sql(
    tx,
    `update opened_vial set closed_at = :at, discarded_doses = :discardedDoses, discard_entry_id = :discardEntryId where id = :id`,
    v,
  );
}

/** Holdings with doses of lots that expired before `today`. */
export async function expiredHoldings(em: EntityManager, today: string): Promise<{ facilityId: string; lotId: string }[]> {
  const rows = await sql<{ facility_id: string; lot_id: string }>(
    em,
    `select h.facility_id, h.lot_id from stock_holding h join lot l on l.id = h.lot_id
      where h.balance > 0 and l.expiry_date < :today::date order by h.facility_id, h.lot_id`,
    { today },
  );
  return rows.map((r) => ({ facilityId: r.facility_id, lotId: r.lot_id }));
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlBound } from '@victori/shared';

/** SQL of dose_administration: which recorded doses were taken from stock, flagged or reversed. */

export type AdministrationStatus = 'FLAGGED' | 'GROUPED' | 'IGNORED' | 'TAKEN' | 'REVERSED';

/** Claims a dose record (status FLAGGED until decided); false when it was claimed before (a repeated delivery). */
export async function claimDose(
  tx: EntityManager,
  d: { doseRecordId: string; facilityId: string; productCode: string; lotNumber: string; administeredAt: string },
): Promise<boolean> {
  const rows = await sql(
    tx,
    `insert into dose_administration (dose_record_id, facility_id, product_code, lot_number, administered_at, status)
     values (:doseRecordId, :facilityId, :productCode, :lotNumber, :administeredAt, 'FLAGGED') on conflict (dose_record_id) do nothing
     returning dose_record_id`,
    {
      doseRecordId: d.doseRecordId,
      facilityId: d.facilityId,
      productCode: d.productCode,
      lotNumber: d.lotNumber,
      administeredAt: d.administeredAt,
    },
  );
  return rows.length > 0;
}

/**
 * claimDose for many doses in one statement, each with its status (FLAGGED by default) and flag reason;
 * the ids claimed now (a dose twice in the list is claimed once, as its first row).
 */
export async function claimDoses(
  tx: EntityManager,
  doses: {
    doseRecordId: string;
    facilityId: string;
    productCode: string;
    lotNumber: string;
    administeredAt: string;
    status?: AdministrationStatus;
    flagReason?: string | null;
  }[],
): Promise<Set<string>> {
  if (doses.length === 0) return new Set();
  const rows = await sqlBound<{ dose_record_id: string }>(
    tx,
    `insert into dose_administration (dose_record_id, facility_id, product_code, lot_number, administered_at, status, flag_reason)
     select distinct on (dose_record_id) dose_record_id, facility_id, product_code, lot_number, administered_at, coalesce(status, 'FLAGGED'), flag_reason
       from jsonb_to_recordset(:doses::jsonb)
         as d(ord int, dose_record_id uuid, facility_id uuid, product_code varchar, lot_number varchar, administered_at timestamptz,
              status varchar, flag_reason varchar)
      order by dose_record_id, ord
     on conflict (dose_record_id) do nothing
     returning dose_record_id`,
    {
      doses: JSON.stringify(
        doses.map((d, ord) => ({
          ord,
          dose_record_id: d.doseRecordId,
          facility_id: d.facilityId,
          product_code: d.productCode,
          lot_number: d.lotNumber,
          administered_at: d.administeredAt,
          status: d.status ?? null,
          flag_reason: d.flagReason ?? null,
        })),
      ),
    },
  );
  return new Set(rows.map((r) => r.dose_record_id));
}

export async function setStatus(
  tx: EntityManager,
  s: { doseRecordId: string; status: AdministrationStatus; flagReason?: string | null; entryId?: string | null },
): Promise<void> {
  await sql(
    tx,
    `update dose_administration set status = :status, flag_reason = coalesce(:flagReason, flag_reason), entry_id = coalesce(:entryId, entry_id)
      where dose_record_id = :doseRecordId`,
    { doseRecordId: s.doseRecordId, status: s.status, flagReason: s.flagReason ?? null, entryId: s.entryId ?? null },
  );
}

export async function holds(tx: EntityManager, key: { facilityId: string; lotId: string }): Promise<boolean> {
  const rows = await sql(tx, `select 1 from stock_holding where facility_id = :facilityId and lot_id = :lotId`, key);
  return rows.length > 0;
}

/** Counts one dose against the oldest open vial of the lot that was open at `at`; false when there is none with doses left. */
export async function useOpenVial(tx: EntityManager, v: { facilityId: string; lotId: string; at: Date }): Promise<boolean> {
  const rows = await sql(
    tx,
    `update opened_vial set doses_used = doses_used + 1, closed_at = case when doses_used + 1 = doses_in_vial then :at::timestamptz end
      where id = (select id from opened_vial where facility_id = :facilityId and lot_id = :lotId and closed_at is null and doses_used < doses_in_vial
                   and opened_at <= :at and expires_at > :at order by opened_at limit 1)
      returning id`,
    v,
  );
  return rows.length > 0;
}

export async function lockAdministration(
  tx: EntityManager,
  doseRecordId: string,
): Promise<{ status: string; entryId: string | null; facilityId: string } | undefined> {
  const [row] = await sql<{ status: string; entry_id: string | null; facility_id: string }>(
    tx,
    `select status, entry_id, facility_id from dose_administration where dose_record_id = :doseRecordId for update`,
    { doseRecordId },
  );
  return row ? { status: row.status, entryId: row.entry_id, facilityId: row.facility_id } : undefined;
}

/** A superseded dose never seen before: remembered as reversed, so its late delivery is never taken. */
export async function insertReversed(
  tx: EntityManager,
  d: { doseRecordId: string; facilityId: string; productCode: string; lotNumber: string; administeredAt: string; resolution: string },
): Promise<void> {
  await sql(
    tx,
    `insert into dose_administration (dose_record_id, facility_id, product_code, lot_number, administered_at, status, resolution)
     values (:doseRecordId, :facilityId, :productCode, :lotNumber, :administeredAt, 'REVERSED', :resolution) on conflict (dose_record_id) do nothing`,
    d,
  );
}

export async function entryLot(tx: EntityManager, entryId: string): Promise<string | undefined> {
  const [row] = await sql<{ lot_id: string }>(tx, `select lot_id from stock_ledger_entry where id = :entryId`, { entryId });
  return row?.lot_id;
}

export async function markReversed(tx: EntityManager, r: { doseRecordId: string; resolution: string }): Promise<void> {
  await sql(tx, `update dose_administration set status = 'REVERSED', resolution = :resolution where dose_record_id = :doseRecordId`, r);
}

/** A flagged (or grouped, ignored) dose that was superseded: reversed, resolved by the correction unless someone resolved it before. */
export async function markReversedResolved(tx: EntityManager, r: { doseRecordId: string; at: Date; resolution: string }): Promise<void> {
  await sql(
    tx,
    `update dose_administration set status = 'REVERSED', resolved_at = coalesce(resolved_at, :at), resolved_by = coalesce(resolved_by, 'immunization:dose.corrected'),
       resolution = coalesce(resolution, :resolution) where dose_record_id = :doseRecordId`,
    r,
  );
}

/** The same record now names other stock: its one ledger key is used, so a person reconciles it. */
export async function flagSameRecordCorrection(tx: EntityManager, doseRecordId: string): Promise<void> {
  await sql(
    tx,
    `update dose_administration set status = 'FLAGGED', flag_reason = 'CORRECTION_SAME_RECORD', resolved_at = null where dose_record_id = :doseRecordId`,
    { doseRecordId },
  );
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

interface ReconciliationFilter {
  facilityId?: string;
  doseRecordId?: string;
  includeResolved: boolean;
}

/** The reconciliation items (single flagged doses and grouped historical lots) as one subquery `items`. */
function reconciliationItems(filter: ReconciliationFilter): { items: string; params: Record<string, unknown> } {
  // Single doses: every flagged (or, when asked, reversed and resolved) row.
  const single = [`flag_reason is not null`, `status <> 'GROUPED'`];
  // Grouped historical doses: one item per facility, product, lot, reason (and open or resolved).
  const grouped = [`status = 'GROUPED'`];
  const params: Record<string, unknown> = {};
  if (!filter.includeResolved) {
    single.push(`resolved_at is null and status = 'FLAGGED'`);
    grouped.push(`resolved_at is null`);
  }
  if (filter.facilityId) {
    single.push(`facility_id = :facilityId`);
    grouped.push(`facility_id = :facilityId`);
    params.facilityId = filter.facilityId;
  }
  if (filter.doseRecordId) {
    single.push(`dose_record_id = :doseRecordId`);
    grouped.push(
      `(facility_id, product_code, lot_number, flag_reason) = (select facility_id, product_code, lot_number, flag_reason from dose_administration where dose_record_id = :doseRecordId)`,
    );
    params.doseRecordId = filter.doseRecordId;
  }
  const items = `(
       select dose_record_id, facility_id, product_code, lot_number, administered_at, status, flag_reason, created_at,
              resolved_at, resolved_by, resolution, 1 as doses
         from dose_administration where ${single.join(' and ')}
       union all
       select (array_agg(dose_record_id order by created_at, dose_record_id))[1], facility_id, product_code, lot_number,
              min(administered_at), 'GROUPED', flag_reason, min(created_at), max(resolved_at), max(resolved_by), max(resolution), count(*)
         from dose_administration where ${grouped.join(' and ')}
        group by facility_id, product_code, lot_number, flag_reason, resolved_at is null
     ) items`;
  return { items, params };
}

/**
 * Reconciliation items oldest first. `after` is the keyset of the previous page's last item: its creation
 * time in microseconds since the epoch (exact, where an ISO string would cut to milliseconds) and dose
 * record id; each row carries its own as `cursorMicros`.
 */
export async function listReconciliations(
  em: EntityManager,
  filter: ReconciliationFilter & { limit: number; after?: [string, string] },
): Promise<(ReconciliationRow & { cursorMicros: string })[]> {
  const { items, params } = reconciliationItems(filter);
  const micros = `(extract(epoch from created_at) * 1000000)::bigint`;
  const after = filter.after ? `where (${micros}, dose_record_id) > (:afterMicros::bigint, :afterId::uuid)` : '';
  if (filter.after) [params.afterMicros, params.afterId] = filter.after;
  const rows = await sql(
    em,
    `select *, ${micros}::text as cursor_micros from ${items} ${after} order by created_at, dose_record_id limit :limit`,
    { ...params, limit: filter.limit },
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
    cursorMicros: String(r.cursor_micros),
  }));
}

/** How many items listReconciliations would walk over all pages. */
export async function countReconciliations(em: EntityManager, filter: ReconciliationFilter): Promise<number> {
  const { items, params } = reconciliationItems(filter);
  const [row] = await sql(em, `select count(*)::int as n from ${items}`, params);
  return Number(row?.n ?? 0);
}

/** Marks a flagged dose (a grouped one: its whole group, the item the list showed) as reconciled; false when none is open. */
export async function markResolved(em: EntityManager, r: { doseRecordId: string; resolution: string; actor: string }): Promise<boolean> {
  const rows = await sql(
    em,
    `update dose_administration set resolved_at = now(), resolved_by = :actor, resolution = :resolution
      where resolved_at is null and (
        (dose_record_id = :doseRecordId and status = 'FLAGGED')
        or (status = 'GROUPED' and (facility_id, product_code, lot_number, flag_reason) =
             (select facility_id, product_code, lot_number, flag_reason from dose_administration where dose_record_id = :doseRecordId and status = 'GROUPED')))
      returning dose_record_id`,
    r,
  );
  return rows.length > 0;
}

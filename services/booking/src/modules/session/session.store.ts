import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql, sqlPrepared, type SqlParams, isUuid } from '@victori/shared';
import type { SessionRow, SlotRow } from './session.rows.js';

/** The session aggregate's SQL: sessions with their stock headroom, their slots, the search, and the planner's writes. */

/**
 * Sessions with the usable stock not yet promised (usable doses of the facility and product minus the
 * live appointments booking holds against them). Alias `s`; add where/order after it.
 */
const SESSION_SELECT = `
  select s.id, s.facility_id, s.date::text as date, s.start_time, s.end_time, s.programme, s.product_code, s.dose_kinds,
         s.capacity, s.booked, s.served_count, s.status, s.school_grade,
         greatest(0, coalesce(l.usable_doses, 0) - coalesce(c.committed, 0))::int as stock_free
    from session s
    left join stock_level l on l.facility_id = s.facility_id and l.product_code = s.product_code
    left join stock_commitment c on c.facility_id = s.facility_id and c.product_code = s.product_code`;

const SLOT_COLUMNS = `id, session_id, start_time, end_time, capacity, booked`;

/** The session row as its writes return it (no counters of the stock headroom). */
export type SessionCore = Pick<
  SessionRow,
  | 'id'
  | 'facility_id'
  | 'date'
  | 'start_time'
  | 'end_time'
  | 'programme'
  | 'product_code'
  | 'dose_kinds'
  | 'capacity'
  | 'status'
  | 'school_grade'
>;
const RETURNING = `id, facility_id, date::text as date, start_time, end_time, programme, product_code, dose_kinds, capacity, status, school_grade`;

/** One session with its stock headroom; undefined for none or a malformed id. */
export async function findSession(em: EntityManager, id: string): Promise<SessionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await sqlPrepared<SessionRow>(em, `${SESSION_SELECT} where s.id = :id::uuid`, { id });
  return row;
}

/** Sessions by id, one statement (malformed ids find nothing). */
export async function sessionsByIds(em: EntityManager, ids: readonly string[]): Promise<SessionRow[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return sqlPrepared<SessionRow>(em, `${SESSION_SELECT} where s.id = any(:ids::uuid[])`, { ids: pgArray(valid) });
}

/** The slots of many sessions, in time order. */
export async function slotsOfSessions(em: EntityManager, sessionIds: readonly string[]): Promise<SlotRow[]> {
  return sqlPrepared<SlotRow>(em, `select ${SLOT_COLUMNS} from slot where session_id = any(:sessionIds::uuid[]) order by start_time, id`, {
    sessionIds: pgArray([...sessionIds]),
  });
}

/** Slots by id (malformed ids find nothing). */
export async function slotsByIds(em: EntityManager, ids: readonly string[]): Promise<SlotRow[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return sqlPrepared<SlotRow>(em, `select ${SLOT_COLUMNS} from slot where id = any(:ids::uuid[])`, { ids: pgArray(valid) });
}

export interface SessionSearch {
  facilityId?: string;
  kecamatanCode?: string;
  kelurahanCode?: string;
  dateFrom?: string;
  dateTo?: string;
  programme?: string;
  productCode?: string;
  productCodes?: string[];
  doseKind?: string;
  /** Only open sessions not yet over at this moment (Asia/Jakarta) with places and usable stock left. */
  hasPlacesAt?: { date: string; time: string };
}

/** The search's conditions and their named values (absent filters add nothing). */
function searchWhere(f: SessionSearch): { where: string[]; params: SqlParams } {
  const where: string[] = [];
  const params: SqlParams = {};
  const add = (condition: string, values: SqlParams): void => {
    where.push(condition);
    Object.assign(params, values);
  };
  if (f.facilityId) add('s.facility_id = :facilityId::uuid', { facilityId: f.facilityId });
  if (f.kecamatanCode) add('f.kecamatan_code = :kecamatanCode', { kecamatanCode: f.kecamatanCode });
  if (f.kelurahanCode) add('f.kelurahan_code = :kelurahanCode', { kelurahanCode: f.kelurahanCode });
  if (f.dateFrom) add('s.date >= :dateFrom::date', { dateFrom: f.dateFrom });
  if (f.dateTo) add('s.date <= :dateTo::date', { dateTo: f.dateTo });
  if (f.programme) add('s.programme = :programme', { programme: f.programme });
  // A session matches by any product it offers (one visit, several vaccines), not only its main one.
  const offered = (cond: string): string => `exists (select 1 from session_offer so where so.session_id = s.id and ${cond})`;
  if (f.productCode) add(`(s.product_code = :productCode or ${offered('so.product_code = :productCode')})`, { productCode: f.productCode });
  if (f.productCodes) {
    add(`(s.product_code = any(:productCodes::text[]) or ${offered('so.product_code = any(:productCodes::text[])')})`, {
      productCodes: pgArray(f.productCodes),
    });
  }
  if (f.doseKind) add(`(:doseKind = any(s.dose_kinds) or ${offered(':doseKind = any(so.dose_kinds)')})`, { doseKind: f.doseKind });
  if (f.hasPlacesAt) {
    // Not over yet: the SQL twin of `isPast(s.date, s.end_time)` negated (zero-padded HH:MM compare as text).
    add(
      `s.status = 'OPEN' and (s.date > :today::date or (s.date = :today::date and s.end_time > :nowTime))
       and s.booked < s.capacity and coalesce(l.usable_doses, 0) > coalesce(c.committed, 0)`,
      { today: f.hasPlacesAt.date, nowTime: f.hasPlacesAt.time },
    );
  }
  return { where, params };
}

/**
 * One page of the search by date, start time and id after the keyset `after`, `limit` rows, and the count
 * of all matches: two statements whatever the page size (one with `count: false`; totalCount is then NaN).
 */
export async function searchSessions(
  em: EntityManager,
  search: { filter: SessionSearch; after?: { date: string; startTime: string; id: string }; limit: number; count?: boolean },
): Promise<{ rows: SessionRow[]; totalCount: number }> {
  const { where, params } = searchWhere(search.filter);
  const filterSql = where.length ? `where ${where.join(' and ')}` : '';
  const page = [...where];
  const pageParams: SqlParams = { ...params, limit: search.limit };
  if (search.after) {
    page.push('(s.date, s.start_time, s.id) > (:afterDate::date, :afterStart, :afterId::uuid)');
    Object.assign(pageParams, { afterDate: search.after.date, afterStart: search.after.startTime, afterId: search.after.id });
  }
  // Prepared (one plan per filter shape and connection): the availability search is most of the platform's reads.
  const [rows, [count]] = await Promise.all([
    sqlPrepared<SessionRow>(
      em,
      `${SESSION_SELECT} join facility f on f.id = s.facility_id ${page.length ? `where ${page.join(' and ')}` : ''}
        order by s.date, s.start_time, s.id limit :limit`,
      pageParams,
    ),
    // Only when asked for (totalCount): a citizen's availability search does not, and it is most of the searches.
    search.count === false
      ? Promise.resolve([{ n: Number.NaN }])
      : sqlPrepared<{ n: number }>(
          em,
          `select count(*)::int as n from session s join facility f on f.id = s.facility_id
         left join stock_level l on l.facility_id = s.facility_id and l.product_code = s.product_code
         left join stock_commitment c on c.facility_id = s.facility_id and c.product_code = s.product_code ${filterSql}`,
          params,
        ),
  ]);
  return { rows, totalCount: count?.n ?? 0 };
}

export async function insertSession(
  tx: EntityManager,
  s: {
    id: string;
    facilityId: string;
    date: string;
    startTime: string;
    endTime: string;
    programme: string;
    productCode: string;
    doseKinds: string[];
    capacity: number;
    schoolGrade: number | null;
  },
): Promise<SessionCore> {
  const [row] = await sql<SessionCore>(
    tx,
    `insert into session (id, facility_id, date, start_time, end_time, programme, product_code, dose_kinds, capacity, school_grade)
     values (:id, :facilityId, :date::date, :startTime, :endTime, :programme, :productCode, :doseKinds::text[], :capacity, :schoolGrade)
     returning ${RETURNING}`,
    { ...s, doseKinds: pgArray(s.doseKinds) },
  );
  return row!;
}

export interface SlotPlan {
  startTime: string;
  endTime: string;
  capacity: number;
}

export async function insertSlots(tx: EntityManager, s: { sessionId: string; plan: SlotPlan[] }): Promise<void> {
  await sql(
    tx,
    `insert into slot (id, session_id, start_time, end_time, capacity)
     select unnest(:ids::uuid[]), :sessionId, unnest(:starts::text[]), unnest(:ends::text[]), unnest(:capacities::int[])`,
    {
      ids: pgArray(s.plan.map(() => randomUUID())),
      sessionId: s.sessionId,
      starts: pgArray(s.plan.map((p) => p.startTime)),
      ends: pgArray(s.plan.map((p) => p.endTime)),
      capacities: pgArray(s.plan.map((p) => String(p.capacity))),
    },
  );
}

/** The counter row a booking decision updates; created with the session so bookings only ever update. */
export async function ensureCommitment(tx: EntityManager, k: { facilityId: string; productCode: string }): Promise<void> {
  await sql(
    tx,
    `insert into stock_commitment (facility_id, product_code, committed) values (:facilityId, :productCode, 0) on conflict do nothing`,
    k,
  );
}

/** A further product of a several-vaccine session. */
export async function insertSessionOffer(
  tx: EntityManager,
  o: { sessionId: string; productCode: string; doseKinds: string[] },
): Promise<void> {
  await sql(tx, `insert into session_offer (session_id, product_code, dose_kinds) values (:sessionId, :productCode, :doseKinds::text[])`, {
    ...o,
    doseKinds: pgArray(o.doseKinds),
  });
}

/** Locks the session's slots, in time order (slots before the session row: the lock order of a booking decision). */
export async function lockSlots(tx: EntityManager, sessionId: string): Promise<SlotRow[]> {
  return sql<SlotRow>(tx, `select ${SLOT_COLUMNS} from slot where session_id = :sessionId order by start_time, id for update`, {
    sessionId,
  });
}

/** Locks the session row; its counters and status. */
export async function lockSession(
  tx: EntityManager,
  sessionId: string,
): Promise<{ booked: number; capacity: number; status: string } | undefined> {
  const [row] = await sql<{ booked: number; capacity: number; status: string }>(
    tx,
    `select booked, capacity, status from session where id = :sessionId for update`,
    { sessionId },
  );
  return row;
}

/** The session's live and served appointments, and how many of them are for a dose kind not in `keptDoseKinds`. */
export async function heldAppointments(
  tx: EntityManager,
  h: { sessionId: string; keptDoseKinds: string[] },
): Promise<{ total: number; removed: number }> {
  const [row] = await sql<{ total: number; removed: number }>(
    tx,
    `select count(*)::int as total, count(*) filter (where not (dose_kind = any(:kept::text[])))::int as removed
       from appointment where session_id = :sessionId and status in ('BOOKED', 'CHECKED_IN', 'COMPLETED')`,
    { kept: pgArray(h.keptDoseKinds), sessionId: h.sessionId },
  );
  return row!;
}

export async function deleteSlots(tx: EntityManager, sessionId: string): Promise<void> {
  await sql(tx, `delete from slot where session_id = :sessionId`, { sessionId });
}

/** New capacities of existing slots (`capacities[i]` for `slotIds[i]`). */
export async function setSlotCapacities(tx: EntityManager, c: { slotIds: string[]; capacities: number[] }): Promise<void> {
  await sql(
    tx,
    `update slot set capacity = x.capacity from unnest(:slotIds::uuid[], :capacities::int[]) as x(id, capacity) where slot.id = x.id`,
    {
      slotIds: pgArray(c.slotIds),
      capacities: pgArray(c.capacities.map(String)),
    },
  );
}

export async function updateSessionRow(
  tx: EntityManager,
  s: {
    id: string;
    date: string;
    startTime: string;
    endTime: string;
    productCode: string;
    programme: string;
    doseKinds: string[];
    capacity: number;
  },
): Promise<SessionCore> {
  const [row] = await sql<SessionCore>(
    tx,
    `update session set date = :date::date, start_time = :startTime, end_time = :endTime, product_code = :productCode, programme = :programme,
            dose_kinds = :doseKinds::text[], capacity = :capacity, updated_at = now()
      where id = :id returning ${RETURNING}`,
    { ...s, doseKinds: pgArray(s.doseKinds) },
  );
  return row!;
}

/** Closes an open session; undefined when it was not open. */
export async function closeOpenSession(tx: EntityManager, id: string): Promise<SessionCore | undefined> {
  const [row] = await sql<SessionCore>(
    tx,
    `update session set status = 'CLOSED', updated_at = now() where id = :id and status = 'OPEN' returning ${RETURNING}`,
    { id },
  );
  return row;
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  FieldErrors,
  conflict,
  findDose,
  notFound,
  pgArray,
  publish,
  SessionChanged,
  SessionClosed,
  SessionOpened,
  type Claims,
} from '@victori/shared';
import type { BookingConfig } from '../../config.js';
import { transaction } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import { addDays, isDate, isTime, localNow, minutesOf, timeOf } from '../../time.js';
import { productRules, type ProductRule } from '../eligibility/eligibility.rules.js';
import { FacilityEntity } from '../facility/facility.entity.js';
import { isUuid } from '../facility/facility.loader.js';
import { notPastSql, SESSION_SELECT, sessionPayload, type SessionRow, type SlotRow } from './session.rows.js';
import type { CreateSessionInput, SessionFilter, UpdateSessionInput } from './session.type.js';

/** Large enough for a whole day of a district on one screen or export; bounded so one request stays cheap. */
const MAX_PAGE = 500;
const MAX_CAPACITY = 10_000;

// ---------------------------------------------------------------------------------------------
// Public search

interface Cursor {
  date: string;
  startTime: string;
  id: string;
}

export const encodeCursor = (r: Pick<SessionRow, 'date' | 'start_time' | 'id'>): string =>
  Buffer.from(JSON.stringify([r.date, r.start_time, r.id])).toString('base64url');

function decodeCursor(after: string): Cursor {
  try {
    const [date, startTime, id] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof date === 'string' &&
      typeof startTime === 'string' &&
      typeof id === 'string' &&
      isDate(date) &&
      isTime(startTime) &&
      isUuid(id)
    ) {
      return { date, startTime, id };
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after', { id: 'Kursor halaman tidak valid', en: 'Invalid page cursor' });
}

export interface SessionPage {
  rows: SessionRow[];
  totalCount: number;
  hasNextPage: boolean;
}

/** Sessions by date, start time and id, keyset-paginated: two statements whatever the page size. */
export async function searchSessions(
  em: EntityManager,
  /** The public filter, plus one facility for `Facility.sessions`. */
  filter: SessionFilter & { facilityId?: string },
  first: number,
  after: string | undefined,
): Promise<SessionPage> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw badInput('first', { id: `first harus 1 sampai ${MAX_PAGE}`, en: `first must be 1 to ${MAX_PAGE}` });
  }
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]): void => {
    where.push(sql);
    params.push(...values);
  };
  for (const key of ['dateFrom', 'dateTo'] as const) {
    const value = filter[key];
    if (value != null && !isDate(value)) throw badInput(`filter.${key}`, { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  }
  if (filter.facilityId) add('s.facility_id = ?::uuid', filter.facilityId);
  if (filter.kecamatanCode) add('f.kecamatan_code = ?', filter.kecamatanCode);
  if (filter.kelurahanCode) add('f.kelurahan_code = ?', filter.kelurahanCode);
  if (filter.dateFrom) add('s.date >= ?::date', filter.dateFrom);
  if (filter.dateTo) add('s.date <= ?::date', filter.dateTo);
  if (filter.programme) add('s.programme = ?', filter.programme);
  // A session matches by any product it offers (one visit, several vaccines), not only its main one.
  const offered = (cond: string): string => `exists (select 1 from session_offer so where so.session_id = s.id and ${cond})`;
  if (filter.productCode) add(`(s.product_code = ? or ${offered('so.product_code = ?')})`, filter.productCode, filter.productCode);
  if (filter.productCodes) {
    const codes = pgArray(filter.productCodes);
    add(`(s.product_code = any(?::text[]) or ${offered('so.product_code = any(?::text[])')})`, codes, codes);
  }
  if (filter.doseKind) add(`(? = any(s.dose_kinds) or ${offered('? = any(so.dose_kinds)')})`, filter.doseKind, filter.doseKind);
  if (filter.hasPlaces) {
    const now = localNow();
    add(
      `s.status = 'OPEN' and ${notPastSql} and s.booked < s.capacity and coalesce(l.usable_doses, 0) > coalesce(c.committed, 0)`,
      now.date,
      now.date,
      timeOf(now.minutes),
    );
  }
  const from = `${SESSION_SELECT} join facility f on f.id = s.facility_id`;
  const filterSql = where.length ? `where ${where.join(' and ')}` : '';
  const page: string[] = [...where];
  const pageParams = [...params];
  if (after) {
    const c = decodeCursor(after);
    page.push('(s.date, s.start_time, s.id) > (?::date, ?, ?::uuid)');
    pageParams.push(c.date, c.startTime, c.id);
  }
  const [rows, [count]] = await Promise.all([
    em.execute<SessionRow[]>(`${from} ${page.length ? `where ${page.join(' and ')}` : ''} order by s.date, s.start_time, s.id limit ?`, [
      ...pageParams,
      first + 1,
    ]),
    em.execute<{ n: number }[]>(
      `select count(*)::int as n from session s join facility f on f.id = s.facility_id
         left join stock_level l on l.facility_id = s.facility_id and l.product_code = s.product_code
         left join stock_commitment c on c.facility_id = s.facility_id and c.product_code = s.product_code ${filterSql}`,
      params,
    ),
  ]);
  return { rows: rows.slice(0, first), totalCount: count?.n ?? 0, hasNextPage: rows.length > first };
}

// ---------------------------------------------------------------------------------------------
// Managing sessions (health workers of the facility, admins)

const RETURNING = `id, facility_id, date::text as date, start_time, end_time, programme, product_code, dose_kinds, capacity, status, school_grade`;

interface SlotPlan {
  startTime: string;
  endTime: string;
  capacity: number;
}

/** Cuts the window into slots of `minutes` (the last may be shorter) and spreads the capacity evenly. */
export function planSlots(startTime: string, endTime: string, minutes: number, capacity: number): SlotPlan[] {
  const windows: [number, number][] = [];
  for (let t = minutesOf(startTime); t < minutesOf(endTime); t += minutes) windows.push([t, Math.min(t + minutes, minutesOf(endTime))]);
  const base = Math.floor(capacity / windows.length);
  const extra = capacity % windows.length;
  return windows.map(([s, e], i) => ({ startTime: timeOf(s), endTime: timeOf(e), capacity: base + (i < extra ? 1 : 0) }));
}

/** A new total spread evenly, but never below what a slot already has booked. */
export function redistribute(total: number, slots: Pick<SlotRow, 'booked'>[]): number[] {
  const base = Math.floor(total / slots.length);
  const extra = total % slots.length;
  let deficit = 0;
  const caps = slots.map((s, i) => {
    const even = base + (i < extra ? 1 : 0);
    if (even >= s.booked) return even;
    deficit += s.booked - even;
    return s.booked;
  });
  while (deficit > 0) {
    let best = -1;
    for (let i = 0; i < caps.length; i++)
      if (caps[i]! - slots[i]!.booked > 0 && (best < 0 || caps[i]! - slots[i]!.booked > caps[best]! - slots[best]!.booked)) best = i;
    caps[best]! -= 1;
    deficit -= 1;
  }
  return caps;
}

function product(code: string, field = 'productCode'): ProductRule {
  const p = productRules().get(code);
  if (!p) throw badInput(field, { id: `Produk vaksin ${code} tidak dikenal`, en: `Unknown vaccine product ${code}` });
  return p;
}

/** Further products of a several-vaccine session: same programme, distinct products, each serving distinct doses. */
/** The grade of a school session: only where the schedule gives doses by grade, and every dose offered is of that grade. */
function schoolGrade(grade: number | undefined | null, programme: string, kinds: string[]): number | null {
  if (grade == null) return null;
  const graded = kinds.map((k) => findDose(programme, k)?.dose.grade);
  if (graded.every((g) => g === undefined)) {
    throw badInput('schoolGrade', {
      id: `Program ${programme} tidak diberikan per kelas`,
      en: `Programme ${programme} is not given by grade`,
    });
  }
  const wrong = kinds.filter((_, i) => graded[i] !== grade);
  if (wrong.length) {
    throw badInput('doseKinds', {
      id: `Dosis ${wrong.join(', ')} tidak diberikan di kelas ${grade}`,
      en: `Dose ${wrong.join(', ')} is not given in grade ${grade}`,
    });
  }
  return grade;
}

function moreProducts(
  input: { productCode: string; doseKinds: string[] }[],
  main: ProductRule,
  programme: string,
): { code: string; kinds: string[] }[] {
  if (input.length > 10) throw badInput('moreProducts', { id: 'Paling banyak 10 produk tambahan', en: 'At most 10 further products' });
  const seen = new Set([main.code]);
  return input.map((m, i) => {
    const p = product(m.productCode, `moreProducts.${i}.productCode`);
    if (seen.has(p.code)) {
      throw badInput(`moreProducts.${i}.productCode`, {
        id: `Produk ${p.code} sudah ada di sesi ini`,
        en: `Product ${p.code} is already offered`,
      });
    }
    seen.add(p.code);
    const kinds = doseKinds(m.doseKinds, p);
    if (p.programme !== programme && !kinds.every((k) => findDose(programme, k))) {
      throw badInput(`moreProducts.${i}.productCode`, {
        id: `${p.name} termasuk program ${p.programme}`,
        en: `${p.name} belongs to programme ${p.programme}`,
      });
    }
    return { code: p.code, kinds };
  });
}

function doseKinds(kinds: string[], p: ProductRule): string[] {
  if (kinds.length === 0) throw badInput('doseKinds', { id: 'Pilih minimal satu jenis dosis', en: 'Choose at least one dose kind' });
  const unique = [...new Set(kinds)];
  const wrong = unique.filter((k) => !p.doseKinds.includes(k));
  if (wrong.length) {
    throw badInput('doseKinds', {
      id: `${p.name} tidak digunakan untuk dosis ${wrong.join(', ')}`,
      en: `${p.name} is not used for dose kind ${wrong.join(', ')}`,
    });
  }
  return unique;
}

/** Date, times and slot length; every mistake among them at once. */
function schedule(date: string, startTime: string, endTime: string, slotMinutes: number): void {
  const mistakes = new FieldErrors();
  const today = localNow().date;
  if (!isDate(date)) mistakes.add('date', { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  else if (date < today) mistakes.add('date', { id: 'Tanggal sesi sudah lewat', en: 'The session date is in the past' });
  else if (date > addDays(today, 366))
    mistakes.add('date', { id: 'Sesi paling lambat satu tahun ke depan', en: 'Sessions can be planned at most a year ahead' });
  if (!isTime(startTime)) mistakes.add('startTime', { id: 'Jam harus HH:MM', en: 'Time must be HH:MM' });
  if (!isTime(endTime)) mistakes.add('endTime', { id: 'Jam harus HH:MM', en: 'Time must be HH:MM' });
  else if (isTime(startTime) && minutesOf(endTime) <= minutesOf(startTime))
    mistakes.add('endTime', { id: 'Jam selesai harus setelah jam mulai', en: 'End time must be after start time' });
  if (!Number.isInteger(slotMinutes) || slotMinutes < 5 || slotMinutes > 24 * 60) {
    mistakes.add('slotMinutes', { id: 'Panjang slot 5 sampai 1440 menit', en: 'Slot length must be 5 to 1440 minutes' });
  }
  mistakes.throwIfAny();
}

function capacity(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_CAPACITY) {
    throw badInput('capacity', { id: `Kapasitas harus 1 sampai ${MAX_CAPACITY}`, en: `Capacity must be 1 to ${MAX_CAPACITY}` });
  }
  return value;
}

async function insertSlots(tx: EntityManager, sessionId: string, plan: SlotPlan[]): Promise<void> {
  await tx.execute(
    `insert into slot (id, session_id, start_time, end_time, capacity)
     select unnest(?::uuid[]), ?, unnest(?::text[]), unnest(?::text[]), unnest(?::int[])`,
    [
      pgArray(plan.map(() => randomUUID())),
      sessionId,
      pgArray(plan.map((p) => p.startTime)),
      pgArray(plan.map((p) => p.endTime)),
      pgArray(plan.map((p) => String(p.capacity))),
    ],
  );
}

/** The counter row a booking decision updates; created with the session so bookings only ever update. */
async function ensureCommitment(tx: EntityManager, facilityId: string, productCode: string): Promise<void> {
  await tx.execute(`insert into stock_commitment (facility_id, product_code, committed) values (?, ?, 0) on conflict do nothing`, [
    facilityId,
    productCode,
  ]);
}

export async function createSession(em: EntityManager, claims: Claims, input: CreateSessionInput, config: BookingConfig): Promise<string> {
  bookingPolicy.openSession(claims, input.facilityId);
  const facility = isUuid(input.facilityId) ? await em.findOne(FacilityEntity, { id: input.facilityId }) : null;
  if (!facility?.active) throw notFound('Fasilitas', 'facilityId');
  if (config.requireSatusehatIds && (!facility.satusehatOrganizationId || !facility.satusehatLocationId)) {
    throw conflict(
      {
        id: 'Fasilitas ini belum memiliki ID Organization dan Location SATUSEHAT; dosisnya tidak akan sampai ke catatan nasional',
        en: 'This facility has no SATUSEHAT Organization and Location ids yet; its doses could not reach the national record',
      },
      { field: 'facilityId', reason: 'FACILITY_NOT_REGISTERED' },
    );
  }
  // The offer (product, programme, doses), the schedule and the capacity are checked independently: all mistakes at once.
  const mistakes = new FieldErrors();
  const offer = mistakes.check(() => {
    const p = product(input.productCode);
    const programme = input.programme ?? p.programme;
    const kinds = doseKinds(input.doseKinds, p);
    // A product may serve another programme's dose (the routine MR vial gives BIAS's MR-BIAS): the doses decide.
    if (programme !== p.programme && !kinds.every((k) => findDose(programme, k))) {
      throw badInput('programme', { id: `${p.name} termasuk program ${p.programme}`, en: `${p.name} belongs to programme ${p.programme}` });
    }
    const more = moreProducts(input.moreProducts ?? [], p, programme);
    const grade = schoolGrade(input.schoolGrade, programme, [...kinds, ...more.flatMap((m) => m.kinds)]);
    return { p, programme, kinds, more, grade };
  });
  const slotMinutes = input.slotMinutes ?? config.defaultSlotMinutes;
  mistakes.check(() => schedule(input.date, input.startTime, input.endTime, slotMinutes));
  const total = mistakes.check(() => capacity(input.capacity));
  mistakes.throwIfAny();
  if (!offer || total === undefined) throw new Error('unreachable: checked above');
  const { p, programme, kinds, more, grade } = offer;
  const plan = planSlots(input.startTime, input.endTime, slotMinutes, total);
  const id = randomUUID();
  await transaction(em, async (tx) => {
    const [row] = await tx.execute<SessionRow[]>(
      `insert into session (id, facility_id, date, start_time, end_time, programme, product_code, dose_kinds, capacity, school_grade)
       values (?, ?, ?::date, ?, ?, ?, ?, ?::text[], ?, ?) returning ${RETURNING}`,
      [id, facility.id, input.date, input.startTime, input.endTime, programme, p.code, pgArray(kinds), total, grade],
    );
    await insertSlots(tx, id, plan);
    await ensureCommitment(tx, facility.id, p.code);
    for (const m of more) {
      await tx.execute(`insert into session_offer (session_id, product_code, dose_kinds) values (?, ?, ?::text[])`, [
        id,
        m.code,
        pgArray(m.kinds),
      ]);
      await ensureCommitment(tx, facility.id, m.code);
    }
    await publish(tx, 'booking', SessionOpened, id, sessionPayload(row!));
  });
  return id;
}

async function sessionForManagement(em: EntityManager, claims: Claims, id: string): Promise<SessionRow> {
  bookingPolicy.facilityWork(claims, 'before', 'Sesi', 'id');
  const [row] = isUuid(id) ? await em.execute<SessionRow[]>(`${SESSION_SELECT} where s.id = ?`, [id]) : [];
  bookingPolicy.facilityWork(claims, row, 'Sesi', 'id');
  if (!row) throw notFound('Sesi', 'id');
  if (row.status !== 'OPEN') throw conflict({ id: 'Sesi sudah ditutup', en: 'The session is closed' }, { field: 'id' });
  return row;
}

export async function updateSession(
  em: EntityManager,
  claims: Claims,
  id: string,
  input: UpdateSessionInput,
  config: BookingConfig,
): Promise<void> {
  const current = await sessionForManagement(em, claims, id);
  const mistakes = new FieldErrors();
  const offer = mistakes.check(() => {
    const p = product(input.productCode ?? current.product_code);
    const kinds = input.doseKinds ? doseKinds(input.doseKinds, p) : doseKinds(current.dose_kinds, p);
    // A school session stays a session for its grade.
    schoolGrade(current.school_grade, current.programme, kinds);
    return { p, kinds };
  });
  const structural =
    input.date != null || input.startTime != null || input.endTime != null || input.slotMinutes != null || input.productCode != null;
  const date = input.date ?? current.date;
  const startTime = input.startTime ?? current.start_time;
  const endTime = input.endTime ?? current.end_time;
  if (structural) mistakes.check(() => schedule(date, startTime, endTime, input.slotMinutes ?? config.defaultSlotMinutes));
  if (input.capacity != null) mistakes.check(() => capacity(input.capacity!));
  mistakes.throwIfAny();
  if (!offer) throw new Error('unreachable: checked above');
  const { p, kinds } = offer;

  await transaction(em, async (tx) => {
    // Slots before the session row: the same lock order as a booking decision.
    const slots = await tx.execute<SlotRow[]>(
      `select id, session_id, start_time, end_time, capacity, booked from slot where session_id = ? order by start_time, id for update`,
      [id],
    );
    const [locked] = await tx.execute<{ booked: number; capacity: number; status: string }[]>(
      `select booked, capacity, status from session where id = ? for update`,
      [id],
    );
    if (locked?.status !== 'OPEN') throw conflict({ id: 'Sesi sudah ditutup', en: 'The session is closed' }, { field: 'id' });
    const [held] = await tx.execute<{ total: number; removed: number }[]>(
      `select count(*)::int as total, count(*) filter (where not (dose_kind = any(?::text[])))::int as removed
         from appointment where session_id = ? and status in ('BOOKED', 'CHECKED_IN', 'COMPLETED')`,
      [pgArray(kinds), id],
    );
    if (held!.removed > 0) {
      throw conflict(
        { id: 'Ada janji temu untuk jenis dosis yang akan dihapus', en: 'Live appointments exist for a dose kind being removed' },
        { field: 'doseKinds' },
      );
    }
    if (structural && (held!.total > 0 || locked.booked > 0)) {
      throw conflict(
        {
          id: 'Tanggal, jam dan produk hanya dapat diubah selama belum ada pemesanan',
          en: 'Date, times and product can only change while nothing is booked',
        },
        { field: input.productCode != null ? 'productCode' : input.date != null ? 'date' : 'startTime' },
      );
    }
    const total = input.capacity ?? locked.capacity;
    if (total < locked.booked) {
      throw conflict(
        {
          id: `Kapasitas tidak boleh kurang dari ${locked.booked} tempat yang sudah dipesan`,
          en: `Capacity cannot go below the ${locked.booked} places already booked`,
        },
        { field: 'capacity', booked: locked.booked },
      );
    }
    if (structural) {
      await tx.execute(`delete from slot where session_id = ?`, [id]);
      await insertSlots(tx, id, planSlots(startTime, endTime, input.slotMinutes ?? config.defaultSlotMinutes, total));
      await ensureCommitment(tx, current.facility_id, p.code);
    } else if (total !== locked.capacity) {
      const caps = redistribute(total, slots);
      await tx.execute(`update slot set capacity = x.capacity from unnest(?::uuid[], ?::int[]) as x(id, capacity) where slot.id = x.id`, [
        pgArray(slots.map((s) => s.id)),
        pgArray(caps.map(String)),
      ]);
    }
    const [row] = await tx.execute<SessionRow[]>(
      `update session set date = ?::date, start_time = ?, end_time = ?, product_code = ?, programme = ?, dose_kinds = ?::text[], capacity = ?, updated_at = now()
        where id = ? returning ${RETURNING}`,
      [date, startTime, endTime, p.code, p.programme, pgArray(kinds), total, id],
    );
    await publish(tx, 'booking', SessionChanged, id, sessionPayload(row!));
  });
}

/** Stops new bookings; appointments already made stay valid (check-in, completion, no-shows). */
export async function closeSession(em: EntityManager, claims: Claims, id: string): Promise<void> {
  await sessionForManagement(em, claims, id);
  await transaction(em, async (tx) => {
    const [row] = await tx.execute<SessionRow[]>(
      `update session set status = 'CLOSED', updated_at = now() where id = ? and status = 'OPEN' returning ${RETURNING}`,
      [id],
    );
    if (!row) throw conflict({ id: 'Sesi sudah ditutup', en: 'The session is closed' }, { field: 'id' });
    await publish(tx, 'booking', SessionClosed, id, sessionPayload(row));
  });
}

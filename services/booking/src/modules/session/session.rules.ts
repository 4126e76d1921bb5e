import { badInput, findDose, FieldErrors, isUuid } from '@victori/shared';
import { addDays, isDate, isTime, localNow, minutesOf, timeOf } from '../../time.js';
import { productRules, type ProductRule } from '../eligibility/eligibility.rules.js';
import type { SlotRow } from './session.rows.js';
import type { SlotPlan } from './session.store.js';

/** Pure rules of sessions: the planner's input, the slot plan, the search's page and cursor (typed errors, no database). */

/** Large enough for a whole day of a district on one screen or export; bounded so one request stays cheap. */
const MAX_PAGE = 500;
const MAX_CAPACITY = 10_000;

export interface Cursor {
  date: string;
  startTime: string;
  id: string;
}

export function decodeSessionCursor(after: string): Cursor {
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

/** The search's page size and date filters. */
export function checkSearch(filter: { dateFrom?: string | null; dateTo?: string | null }, first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw badInput('first', { id: `first harus 1 sampai ${MAX_PAGE}`, en: `first must be 1 to ${MAX_PAGE}` });
  }
  for (const key of ['dateFrom', 'dateTo'] as const) {
    const value = filter[key];
    if (value != null && !isDate(value)) throw badInput(`filter.${key}`, { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  }
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

export function product(code: string, field = 'productCode'): ProductRule {
  const p = productRules().get(code);
  if (!p) throw badInput(field, { id: `Produk vaksin ${code} tidak dikenal`, en: `Unknown vaccine product ${code}` });
  return p;
}

/** The grade of a school session: only where the schedule gives doses by grade, and every dose offered is of that grade. */
export function schoolGrade(grade: number | undefined | null, programme: string, kinds: string[]): number | null {
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

/** Further products of a several-vaccine session: same programme, distinct products, each serving distinct doses. */
export function moreProducts(
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

export function doseKinds(kinds: string[], p: ProductRule): string[] {
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
export function schedule(date: string, startTime: string, endTime: string, slotMinutes: number): void {
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

export function capacity(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_CAPACITY) {
    throw badInput('capacity', { id: `Kapasitas harus 1 sampai ${MAX_CAPACITY}`, en: `Capacity must be 1 to ${MAX_CAPACITY}` });
  }
  return value;
}

import { badInput } from '@victori/shared';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(instant: string | Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Validates a date argument or throws a field error. */
export function parseDateArg(field: string, value: string): string {
  if (!isIsoDate(value)) {
    throw badInput(field, { id: `${field} harus tanggal YYYY-MM-DD yang valid`, en: `${field} must be a valid YYYY-MM-DD date` });
  }
  return value;
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** achieved / total x 100 rounded half-up to 2 decimals, exactly (integer arithmetic); null without a denominator. */
export function percent(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  const scaled = Math.floor((2 * part * 10000 + whole) / (2 * whole));
  return scaled / 100;
}

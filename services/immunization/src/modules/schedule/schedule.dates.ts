/** Calendar arithmetic on YYYY-MM-DD dates (no time zone: dates are local to Asia/Jakarta). */

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Duration {
  years: number;
  months: number;
  days: number;
  text: string;
}

/** Parses an ISO 8601 date-based duration such as P2M, P4W, P1Y6M, P0D. */
export function parseDuration(text: string): Duration {
  const m = DURATION.exec(text);
  if (!m || text === 'P') throw new Error(`not an ISO 8601 duration: "${text}"`);
  return { years: Number(m[1] ?? 0), months: Number(m[2] ?? 0), days: Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0), text };
}

export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function toUtc(date: string): Date {
  if (!isIsoDate(date)) throw new Error(`not a date: "${date}"`);
  return new Date(`${date}T00:00:00Z`);
}

/** Adds years and months on the calendar (31 Jan + 1 month = 28/29 Feb), then days. */
export function addDuration(date: string, d: Duration): string {
  const base = toUtc(date);
  const y = base.getUTCFullYear() + d.years + Math.floor((base.getUTCMonth() + d.months) / 12);
  const month = (base.getUTCMonth() + d.months) % 12;
  const lastDay = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(y, month, Math.min(base.getUTCDate(), lastDay)));
  shifted.setUTCDate(shifted.getUTCDate() + d.days);
  return shifted.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

export const maxDate = (...dates: (string | undefined)[]): string =>
  dates.filter((d): d is string => d !== undefined).reduce((a, b) => (a > b ? a : b));

/** The calendar date in Indonesia's western time zone (WIB, UTC+7, no daylight saving). */
export function jakartaDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

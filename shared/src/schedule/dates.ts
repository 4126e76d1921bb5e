/** Calendar arithmetic on YYYY-MM-DD dates (no time zone: dates are local to Asia/Jakarta). */

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

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

// Integer calendar arithmetic (proleptic Gregorian, days since 1970-01-01): the schedule engine and
// the history import call these per dose, and Date objects with toISOString() cost ten times more.
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!);

function toDayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function fromDayNumber(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** [year, month 1-12, day] of a valid date, or undefined. */
function parse(value: string): [number, number, number] | undefined {
  const m = value.length === 10 ? DATE.exec(value) : null;
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= monthDays(y, mo) ? [y, mo, d] : undefined;
}

// The same few thousand dates (birth dates, session days) come back again and again in a forecast
// or an import: remember the parsed ones, up to a bound.
const parsed = new Map<string, [number, number, number] | undefined>();
function parts(value: string): [number, number, number] | undefined {
  let p = parsed.get(value);
  if (p === undefined && !parsed.has(value)) {
    p = parse(value);
    if (parsed.size >= 50_000) parsed.clear();
    parsed.set(value, p);
  }
  return p;
}

export function isIsoDate(value: string): boolean {
  return parts(value) !== undefined;
}

function checked(date: string): [number, number, number] {
  const p = parts(date);
  if (!p) throw new Error(`not a date: "${date}"`);
  return p;
}

/** Adds years and months on the calendar (31 Jan + 1 month = 28/29 Feb), then days. */
export function addDuration(date: string, d: Duration): string {
  const [y0, m0, d0] = checked(date);
  const monthIndex = m0 - 1 + d.months;
  const y = y0 + d.years + Math.floor(monthIndex / 12);
  const m = (((monthIndex % 12) + 12) % 12) + 1;
  return fromDayNumber(toDayNumber(y, m, Math.min(d0, monthDays(y, m))) + d.days);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(...checked(date)) + days);
}

export function daysBetween(from: string, to: string): number {
  return toDayNumber(...checked(to)) - toDayNumber(...checked(from));
}

export const maxDate = (...dates: (string | undefined)[]): string =>
  dates.filter((d): d is string => d !== undefined).reduce((a, b) => (a > b ? a : b));

/** The calendar date in Indonesia's western time zone (WIB, UTC+7, no daylight saving). */
export function jakartaDate(at: Date): string {
  return fromDayNumber(Math.floor((at.getTime() + 7 * 3_600_000) / DAY_MS));
}

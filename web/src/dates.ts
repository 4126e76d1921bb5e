/**
 * Dates and times as people read them, in the current language and always in Semarang's time zone
 * (Asia/Jakarta), whatever the phone's own zone: "Rabu, 2 Desember 2026" / "Wednesday, 2 December 2026",
 * "08.00" / "08:00". The API gives civil dates (YYYY-MM-DD), civil times (HH:MM) and ISO instants.
 */
export const TIME_ZONE = 'Asia/Jakarta';

const localeOf = (lang: string): string => (lang === 'en' ? 'en-GB' : 'id-ID');
const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: string, kind: 'date' | 'short' | 'time' | 'clock'): Intl.DateTimeFormat {
  const key = `${lang}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
      short: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
      // A civil HH:MM is formatted as that time of a UTC day, so no zone can move it.
      clock: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' },
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE },
    };
    f = new Intl.DateTimeFormat(localeOf(lang), options[kind]);
    cache.set(key, f);
  }
  return f;
}

/** A civil date at noon UTC, which is the same day in Jakarta (UTC+7). */
function civil(ymd: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  // 2026-02-31 would roll over into March: not a date.
  return d.toISOString().slice(0, 10) === ymd ? d : undefined;
}

/** "Rabu, 2 Desember 2026" for 2026-12-02; anything unreadable is shown as it came. */
export function formatDate(ymd: string, lang: string): string {
  const d = civil(ymd);
  return d ? formatter(lang, 'date').format(d) : ymd;
}

/** "2 Desember 2026" (no weekday): birth dates. */
export function formatShortDate(ymd: string, lang: string): string {
  const d = civil(ymd);
  return d ? formatter(lang, 'short').format(d) : ymd;
}

/** "08.00" (id) or "08:00" (en) for a civil 08:00. */
export function formatTime(hhmm: string, lang: string): string {
  const m = /^(\d{2}):(\d{2})/.exec(hhmm);
  if (!m) return hhmm;
  return formatter(lang, 'clock').format(new Date(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2]))));
}

/** "08.00–08.30". */
export const formatTimeRange = (from: string, to: string, lang: string): string => `${formatTime(from, lang)}–${formatTime(to, lang)}`;

/** An ISO instant as the date and time it was in Semarang: "Rabu, 2 Desember 2026 09.15". */
export function formatInstant(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatter(lang, 'date').format(d)} ${formatter(lang, 'time').format(d)}`;
}

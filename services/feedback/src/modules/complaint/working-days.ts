import { readFileSync } from 'node:fs';
import { ConfigError, dataPath } from '@victori/shared';

/** Asia/Jakarta (WIB, no daylight saving): the city's working days begin and end at local midnight. */
const WIB_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

export interface HolidayFile {
  days: { date: string; kind: 'national' | 'collective-leave'; name: string }[];
}

/** Days off besides weekends: national holidays and, when configured, cuti bersama. */
export class WorkingCalendar {
  private readonly off: Set<string>;
  /** The last date the holiday data covers (deadlines beyond it count only weekends). */
  readonly coveredUntil: string;

  constructor(file: HolidayFile, collectiveLeaveIsHoliday: boolean) {
    const days = file.days.filter((d) => d.kind === 'national' || (collectiveLeaveIsHoliday && d.kind === 'collective-leave'));
    this.off = new Set(days.map((d) => d.date));
    this.coveredUntil =
      file.days
        .map((d) => d.date)
        .sort()
        .at(-1) ?? '';
  }

  static load(path: string | undefined, collectiveLeaveIsHoliday: boolean): WorkingCalendar {
    const file = path ?? dataPath('feedback/holidays-id.json');
    let parsed: HolidayFile;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as HolidayFile;
    } catch (error) {
      throw new ConfigError(
        'FEEDBACK_HOLIDAYS_FILE',
        `cannot be read as holiday JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (!Array.isArray(parsed.days) || parsed.days.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d.date))) {
      throw new ConfigError('FEEDBACK_HOLIDAYS_FILE', 'must hold { days: [{ date: YYYY-MM-DD, kind, name }] }');
    }
    return new WorkingCalendar(parsed, collectiveLeaveIsHoliday);
  }

  isWorkingDay(date: string): boolean {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.off.has(date);
  }

  /**
   * The deadline `days` working days after `from`: the end (local midnight) of the `days`-th working day
   * after the local date of `from`. The day of submission is not counted, so a complaint sent on a Friday
   * evening or a holiday gets its full three working days.
   */
  addWorkingDays(from: Date, days: number): Date {
    let date = localDate(from);
    let counted = 0;
    while (counted < days) {
      date = nextDate(date);
      if (this.isWorkingDay(date)) counted++;
    }
    return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - WIB_MS);
  }
}

export const localDate = (instant: Date): string => new Date(instant.getTime() + WIB_MS).toISOString().slice(0, 10);
const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

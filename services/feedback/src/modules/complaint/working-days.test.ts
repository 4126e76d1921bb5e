import { WorkingCalendar } from './working-days.js';

const calendar = WorkingCalendar.load(undefined, true);
const nationalOnly = WorkingCalendar.load(undefined, false);
/** 10:00 WIB on a date. */
const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+07:00`);
/** The local date whose end is the deadline. */
const lastDay = (deadline: Date) => new Date(deadline.getTime() - 1 + 7 * 3_600_000).toISOString().slice(0, 10);

describe('working-day deadlines (weekends and Indonesian national holidays skipped)', () => {
  test.each([
    ['a Monday: Tue, Wed, Thu', '2026-11-02', 3, '2026-11-05'],
    ['a Friday: Mon, Tue, Wed', '2026-11-06', 3, '2026-11-11'],
    ['a Saturday counts from Monday', '2026-11-07', 3, '2026-11-11'],
    ['over Proklamasi (Mon 17 Aug 2026)', '2026-08-14', 3, '2026-08-20'],
    ['over Christmas and its cuti bersama (24 and 25 Dec 2026)', '2026-12-22', 3, '2026-12-29'],
    ['over New Year 2027', '2026-12-30', 3, '2027-01-05'],
    ['Lebaran 2026 (20 to 24 March off)', '2026-03-19', 3, '2026-03-27'],
    ['14 working days', '2026-11-02', 14, '2026-11-20'],
  ])('submitted on %s', (_what, date, days, expected) => {
    expect(lastDay(calendar.addWorkingDays(at(date), days))).toBe(expected);
  });

  test('the deadline is the end of the last working day, local midnight in Semarang', () => {
    expect(calendar.addWorkingDays(at('2026-11-02'), 3).toISOString()).toBe('2026-11-05T17:00:00.000Z');
  });

  test('late in the evening is still that local day (23:30 WIB is the next day in UTC only after 17:00 UTC)', () => {
    expect(lastDay(calendar.addWorkingDays(at('2026-11-02', '23:30'), 1))).toBe('2026-11-03');
  });

  test('cuti bersama is a working day when configured so', () => {
    expect(lastDay(nationalOnly.addWorkingDays(at('2026-12-23'), 1))).toBe('2026-12-24');
    expect(lastDay(calendar.addWorkingDays(at('2026-12-23'), 1))).toBe('2026-12-28');
  });
});

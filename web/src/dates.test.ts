import { expect, test } from 'vitest';
import { formatDate, formatInstant, formatShortDate, formatTime, formatTimeRange } from './dates.js';

test.each([
  ['id', '2026-12-02', 'Rabu, 2 Desember 2026'],
  ['en', '2026-12-02', 'Wednesday, 2 December 2026'],
  ['id', '2027-01-01', 'Jumat, 1 Januari 2027'],
  ['en', '2028-02-29', 'Tuesday, 29 February 2028'],
])('a session date in %s: %s is "%s"', (lang, ymd, shown) => {
  expect(formatDate(ymd, lang)).toBe(shown);
});

test('birth dates have no weekday', () => {
  expect(formatShortDate('1985-03-27', 'id')).toBe('27 Maret 1985');
  expect(formatShortDate('1985-03-27', 'en')).toBe('27 March 1985');
});

test('a civil time is the same in every zone, written the way each language writes it', () => {
  expect(formatTime('08:00', 'id')).toBe('08.00');
  expect(formatTime('08:00', 'en')).toBe('08:00');
  expect(formatTime('23:59', 'id')).toBe('23.59');
  expect(formatTimeRange('08:00', '08:30', 'id')).toBe('08.00–08.30');
});

test('an instant is shown as the day and time it was in Semarang (UTC+7), not in the phone’s zone', () => {
  // 20:30 UTC on 1 December is 03:30 on 2 December in Jakarta.
  expect(formatInstant('2026-12-01T20:30:00Z', 'id')).toBe('Rabu, 2 Desember 2026 03.30');
  expect(formatInstant('2026-12-01T20:30:00Z', 'en')).toBe('Wednesday, 2 December 2026 03:30');
});

test('something unreadable is shown as it came rather than as "Invalid Date"', () => {
  expect(formatDate('soon', 'id')).toBe('soon');
  expect(formatDate('2026-02-31', 'en')).toBe('2026-02-31');
  expect(formatTime('later', 'en')).toBe('later');
  expect(formatInstant('nope', 'id')).toBe('nope');
});

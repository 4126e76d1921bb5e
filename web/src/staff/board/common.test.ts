import { describe, expect, test } from 'vitest';
import { jakartaToday, num, pct, periodEnds } from './common.js';
import { filenameOf } from './partners.js';

describe('the board’s numbers as the city publishes them', () => {
  test('percentages to two decimals with Indonesian or English separators; a missing value is a dash', () => {
    expect(pct(66.666, 'id')).toBe('66,67');
    expect(pct(100, 'en')).toBe('100.00');
    expect(pct(null, 'id')).toBe('–');
    expect(num(1391552, 'id')).toBe('1.391.552');
    expect(num(5.25, 'en', 1)).toBe('5.3');
  });

  test('period ends: the last day of each earlier month, oldest first, then today (leap years and year ends)', () => {
    expect(periodEnds('2026-12-02', 3)).toEqual(['2026-09-30', '2026-10-31', '2026-11-30', '2026-12-02']);
    expect(periodEnds('2028-03-15', 2)).toEqual(['2028-01-31', '2028-02-29', '2028-03-15']);
    expect(periodEnds('2027-01-10', 1)).toEqual(['2026-12-31', '2027-01-10']);
  });

  test('today is the Asia/Jakarta day: 18:00 UTC is already tomorrow there', () => {
    expect(jakartaToday(new Date('2026-12-02T16:59:00Z'))).toBe('2026-12-02');
    expect(jakartaToday(new Date('2026-12-02T17:00:00Z'))).toBe('2026-12-03');
  });

  test('a download keeps the server’s file name, else the path’s', () => {
    expect(filenameOf('attachment; filename="victori-coverage-2026-12-02.csv"', 'coverage.csv')).toBe('victori-coverage-2026-12-02.csv');
    expect(filenameOf(null, 'coverage.csv')).toBe('coverage.csv');
  });
});

import { expect, test } from 'vitest';
import { doseLine, kecamatanOf } from './pages/child-visit.js';
import { i18n } from './i18n.js';

const dose = (status: string, dates: Partial<Record<'givenOn' | 'recommendedDate' | 'overdueFrom' | 'earliestDate', string>> = {}) =>
  ({
    antigen: 'OPV',
    doseKind: 'OPV1',
    doseNumber: 1,
    status,
    givenOn: null,
    recommendedDate: null,
    overdueFrom: null,
    earliestDate: null,
    latestDate: null,
    reason: null,
    ...dates,
  }) as Parameters<typeof doseLine>[0];

test.each([
  ['GIVEN_VALID', { givenOn: '2026-10-10' }, 'Sudah diberikan', 'diberikan 10 Oktober 2026'],
  [
    'GIVEN_INVALID',
    { givenOn: '2026-10-10', earliestDate: '2026-10-24' },
    'Tidak sah, perlu diulang',
    'diberikan 10 Oktober 2026 · diulang mulai 24 Oktober 2026',
  ],
  ['DUE', { recommendedDate: '2026-11-26' }, 'Jatuh tempo', 'jatuh tempo mulai 26 November 2026'],
  ['OVERDUE', { overdueFrom: '2026-11-26', recommendedDate: '2026-10-26' }, 'Terlambat', 'terlambat sejak 26 November 2026'],
  ['UPCOMING', { recommendedDate: '2027-06-26' }, 'Akan datang', 'mulai 26 Juni 2027'],
  ['NO_LONGER_NEEDED', {}, 'Tidak diperlukan lagi', ''],
])('a %s dose reads as a status and the date that matters for it', (status, dates, word, when) => {
  expect(doseLine(dose(status, dates), 'id')).toEqual({ status: word, when });
});

test('in English too', async () => {
  await i18n.changeLanguage('en');
  expect(doseLine(dose('OVERDUE', { overdueFrom: '2026-11-26' }), 'en')).toEqual({
    status: 'Overdue',
    when: 'overdue since 26 November 2026',
  });
  await i18n.changeLanguage('id');
});

test('the sessions are looked for in the child’s own district first', () => {
  expect(kecamatanOf('33.74.01.1001')).toBe('33.74.01');
});

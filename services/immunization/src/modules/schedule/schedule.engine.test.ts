import { parseDuration, addDuration } from './schedule.dates.js';
import { scheduleFor } from './schedule.data.js';
import { forecast, givableOn, scheduleApplies, type DoseForecast, type GivenDose } from './schedule.engine.js';

const routine = scheduleFor('ROUTINE_CHILD')!;
const covid = scheduleFor('COVID19')!;

/** Every child below is born on 10 January 2026 unless a case says otherwise. */
const BORN = '2026-01-10';

const given = (doses: [string, string][]): GivenDose[] => doses.map(([doseKind, givenOn], i) => ({ id: `r${i + 1}`, doseKind, givenOn }));

/** The whole basic series on the recommended dates. */
const ON_TIME: [string, string][] = [
  ['HB0', '2026-01-10'],
  ['BCG', '2026-02-10'],
  ['OPV1', '2026-02-10'],
  ['DPT-HB-HIB1', '2026-03-10'],
  ['OPV2', '2026-03-10'],
  ['PCV1', '2026-03-10'],
  ['RV1', '2026-03-10'],
  ['DPT-HB-HIB2', '2026-04-10'],
  ['OPV3', '2026-04-10'],
  ['PCV2', '2026-04-10'],
  ['RV2', '2026-04-10'],
  ['DPT-HB-HIB3', '2026-05-10'],
  ['OPV4', '2026-05-10'],
  ['IPV1', '2026-05-10'],
  ['RV3', '2026-05-10'],
  ['MR1', '2026-10-10'],
  ['IPV2', '2026-10-10'],
];

interface Case {
  rule: string;
  given: [string, string][];
  asOf: string;
  doseKind: string;
  /** Which entry of that dose kind (a dose given invalid and then repeated has two). */
  nth?: number;
  born?: string;
  expected: Partial<DoseForecast>;
  reasonContains?: string;
}

const cases: Case[] = [
  // Birth dose (HB0): within 24 hours, at the latest 7 days.
  {
    rule: 'HB0 on the day of birth is valid and on time',
    given: [['HB0', '2026-01-10']],
    asOf: '2026-01-10',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME', doseRecordId: 'r1' },
  },
  {
    rule: 'HB0 on the day after birth is still on time (< 24 h)',
    given: [['HB0', '2026-01-11']],
    asOf: '2026-01-11',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'HB0 on day 3 is valid but catch-up',
    given: [['HB0', '2026-01-13']],
    asOf: '2026-01-13',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },
  {
    rule: 'HB0 on day 7 (maximum age) is valid, catch-up',
    given: [['HB0', '2026-01-17']],
    asOf: '2026-01-17',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },
  {
    rule: 'HB0 on day 10 is past the maximum age: invalid, not repeated',
    given: [['HB0', '2026-01-20']],
    asOf: '2026-01-20',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'Too late',
  },
  {
    rule: 'HB0 recorded before the birth date is invalid',
    given: [['HB0', '2026-01-09']],
    asOf: '2026-01-10',
    doseKind: 'HB0',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'before the date of birth',
  },
  {
    rule: 'HB0 not given on the day of birth is due',
    given: [],
    asOf: '2026-01-10',
    doseKind: 'HB0',
    expected: { status: 'DUE', earliestDate: '2026-01-10', recommendedDate: '2026-01-10', latestDate: '2026-01-17' },
  },
  {
    rule: 'HB0 not given by day 3 is overdue',
    given: [],
    asOf: '2026-01-13',
    doseKind: 'HB0',
    expected: { status: 'OVERDUE', overdueFrom: '2026-01-12' },
  },
  {
    rule: 'HB0 not given by day 8 is no longer needed',
    given: [],
    asOf: '2026-01-18',
    doseKind: 'HB0',
    expected: { status: 'NO_LONGER_NEEDED' },
    reasonContains: 'maximum age',
  },

  // BCG at 1 month.
  {
    rule: 'BCG before 1 month: may be given, recommended at 1 month',
    given: [],
    asOf: '2026-01-20',
    doseKind: 'BCG',
    expected: { status: 'UPCOMING', earliestDate: '2026-01-10', recommendedDate: '2026-02-10' },
  },
  { rule: 'BCG at 5 weeks is due', given: [], asOf: '2026-02-15', doseKind: 'BCG', expected: { status: 'DUE' } },
  { rule: 'BCG not given at 2 months is overdue', given: [], asOf: '2026-03-10', doseKind: 'BCG', expected: { status: 'OVERDUE' } },
  {
    rule: 'BCG given at 5 months is valid catch-up',
    given: [['BCG', '2026-06-10']],
    asOf: '2026-06-10',
    doseKind: 'BCG',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },

  // DPT-HB-Hib: minimum age 6 weeks, 4 weeks between doses.
  {
    rule: 'DPT-HB-Hib 1 at 2 months is valid and on time',
    given: [['DPT-HB-HIB1', '2026-03-10']],
    asOf: '2026-03-10',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'DPT-HB-Hib 1 at 5 weeks is too early: invalid',
    given: [['DPT-HB-HIB1', '2026-02-14']],
    asOf: '2026-03-10',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'minimum age P6W',
  },
  {
    rule: 'a too-early DPT-HB-Hib 1 must be repeated: the dose is due again',
    given: [['DPT-HB-HIB1', '2026-02-14']],
    asOf: '2026-03-10',
    doseKind: 'DPT-HB-HIB1',
    nth: 1,
    expected: { status: 'DUE', earliestDate: '2026-02-21' },
  },
  {
    rule: 'DPT-HB-Hib 1 on exactly 6 weeks is valid (minimum age inclusive)',
    given: [['DPT-HB-HIB1', '2026-02-21']],
    asOf: '2026-02-21',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'DPT-HB-Hib 1 one day before 6 weeks is invalid',
    given: [['DPT-HB-HIB1', '2026-02-20']],
    asOf: '2026-02-21',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'GIVEN_INVALID' },
  },
  {
    rule: 'DPT-HB-Hib 2 three weeks after dose 1 breaks the 4-week interval',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-03-31'],
    ],
    asOf: '2026-04-01',
    doseKind: 'DPT-HB-HIB2',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'minimum interval P4W',
  },
  {
    rule: 'DPT-HB-Hib 2 exactly 4 weeks after dose 1 is valid',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-04-07'],
    ],
    asOf: '2026-04-07',
    doseKind: 'DPT-HB-HIB2',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'the repeat of an invalid dose 2 counts from the last valid dose',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-03-31'],
      ['DPT-HB-HIB2', '2026-04-07'],
    ],
    asOf: '2026-04-07',
    doseKind: 'DPT-HB-HIB2',
    nth: 1,
    expected: { status: 'GIVEN_VALID', doseRecordId: 'r3' },
  },
  {
    rule: 'after an invalid dose 1 the next dose given counts as dose 1, whatever number was written',
    given: [
      ['DPT-HB-HIB1', '2026-02-14'],
      ['DPT-HB-HIB2', '2026-03-20'],
    ],
    asOf: '2026-03-20',
    doseKind: 'DPT-HB-HIB1',
    nth: 1,
    expected: { status: 'GIVEN_VALID', doseRecordId: 'r2' },
  },
  {
    rule: 'DPT-HB-Hib 3 is upcoming until 4 weeks after dose 2',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-04-10'],
    ],
    asOf: '2026-04-20',
    doseKind: 'DPT-HB-HIB3',
    expected: { status: 'UPCOMING', earliestDate: '2026-05-08', recommendedDate: '2026-05-10', overdueFrom: '2026-06-10' },
  },
  {
    rule: 'DPT-HB-Hib 3 at 4 months is due',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-04-10'],
    ],
    asOf: '2026-05-10',
    doseKind: 'DPT-HB-HIB3',
    expected: { status: 'DUE' },
  },
  {
    rule: 'DPT-HB-Hib 3 not given at 5 months is overdue',
    given: [
      ['DPT-HB-HIB1', '2026-03-10'],
      ['DPT-HB-HIB2', '2026-04-10'],
    ],
    asOf: '2026-06-15',
    doseKind: 'DPT-HB-HIB3',
    expected: { status: 'OVERDUE' },
  },
  {
    rule: 'DPT-HB-Hib 4 waits 12 months after dose 3 and is recommended at 18 months',
    given: ON_TIME,
    asOf: '2027-05-10',
    doseKind: 'DPT-HB-HIB4',
    expected: { status: 'UPCOMING', earliestDate: '2027-05-10', recommendedDate: '2027-07-10' },
  },
  {
    rule: 'DPT-HB-Hib 4 less than 12 months after dose 3 is invalid',
    given: [...ON_TIME, ['DPT-HB-HIB4', '2027-03-01']],
    asOf: '2027-03-01',
    doseKind: 'DPT-HB-HIB4',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'P12M',
  },
  {
    rule: 'DPT-HB-Hib 4 at 18 months is valid, on time, a baduta dose',
    given: [...ON_TIME, ['DPT-HB-HIB4', '2027-07-10']],
    asOf: '2027-07-10',
    doseKind: 'DPT-HB-HIB4',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME', reasonCodes: ['IM-Rutin', 'IM-Baduta'] },
  },

  // Catch-up.
  {
    rule: 'a 7-month-old without DPT-HB-Hib: dose 1 overdue',
    given: [],
    asOf: '2026-08-10',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'OVERDUE', earliestDate: '2026-02-21' },
  },
  {
    rule: 'a 7-month-old without DPT-HB-Hib: dose 2 upcoming 4 weeks after today',
    given: [],
    asOf: '2026-08-10',
    doseKind: 'DPT-HB-HIB2',
    expected: { status: 'UPCOMING', earliestDate: '2026-09-07' },
  },
  {
    rule: 'DPT-HB-Hib 1 at 6 months is valid catch-up',
    given: [['DPT-HB-HIB1', '2026-07-10']],
    asOf: '2026-07-10',
    doseKind: 'DPT-HB-HIB1',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },
  {
    rule: 'catch-up DPT-HB-Hib 2 four weeks after a late dose 1 is valid catch-up',
    given: [
      ['DPT-HB-HIB1', '2026-07-10'],
      ['DPT-HB-HIB2', '2026-08-07'],
    ],
    asOf: '2026-08-07',
    doseKind: 'DPT-HB-HIB2',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },

  // Rotavirus: maximum ages.
  {
    rule: 'RV 1 not given by 15 weeks is no longer needed',
    given: [],
    asOf: '2026-04-26',
    doseKind: 'RV1',
    expected: { status: 'NO_LONGER_NEEDED', latestDate: '2026-04-25' },
  },
  {
    rule: 'without RV 1 the rest of the rotavirus series is no longer needed',
    given: [],
    asOf: '2026-04-26',
    doseKind: 'RV3',
    expected: { status: 'NO_LONGER_NEEDED' },
    reasonContains: 'can no longer be completed',
  },
  {
    rule: 'RV 1 on the last day (15 weeks) is valid, catch-up',
    given: [['RV1', '2026-04-25']],
    asOf: '2026-04-25',
    doseKind: 'RV1',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },
  {
    rule: 'RV 1 after 15 weeks is invalid and not repeated',
    given: [['RV1', '2026-04-26']],
    asOf: '2026-04-26',
    doseKind: 'RV1',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'not to be repeated',
  },
  {
    rule: 'after an RV 1 past the maximum age, RV 2 is no longer needed',
    given: [['RV1', '2026-04-26']],
    asOf: '2026-04-26',
    doseKind: 'RV2',
    expected: { status: 'NO_LONGER_NEEDED' },
  },
  {
    rule: 'RV 3 not given by 8 months is no longer needed',
    given: [
      ['RV1', '2026-03-10'],
      ['RV2', '2026-04-10'],
    ],
    asOf: '2026-09-11',
    doseKind: 'RV3',
    expected: { status: 'NO_LONGER_NEEDED', latestDate: '2026-09-10' },
  },
  {
    rule: 'RV 3 on the day it turns 8 months is valid catch-up',
    given: [
      ['RV1', '2026-03-10'],
      ['RV2', '2026-04-10'],
      ['RV3', '2026-09-10'],
    ],
    asOf: '2026-09-10',
    doseKind: 'RV3',
    expected: { status: 'GIVEN_VALID', timing: 'CATCH_UP' },
  },
  {
    rule: 'RV 2 after a late RV 1 is upcoming, 4 weeks later, within the maximum age',
    given: [['RV1', '2026-04-20']],
    asOf: '2026-04-21',
    doseKind: 'RV2',
    expected: { status: 'UPCOMING', earliestDate: '2026-05-18', latestDate: '2026-09-10' },
  },
  {
    rule: 'RV 1 at 5 weeks is too early; repeated dose due at 2 months',
    given: [['RV1', '2026-02-14']],
    asOf: '2026-03-10',
    doseKind: 'RV1',
    nth: 1,
    expected: { status: 'DUE' },
  },

  // Polio (OPV) 4 doses, 4 weeks apart.
  {
    rule: 'OPV 1 at 3 weeks is too early',
    given: [['OPV1', '2026-01-31']],
    asOf: '2026-02-10',
    doseKind: 'OPV1',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'minimum age P4W',
  },
  {
    rule: 'OPV 4 on time completes the oral polio series',
    given: ON_TIME,
    asOf: '2026-05-10',
    doseKind: 'OPV4',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'OPV 2 nineteen days after OPV 1 is invalid',
    given: [
      ['OPV1', '2026-02-10'],
      ['OPV2', '2026-03-01'],
    ],
    asOf: '2026-03-01',
    doseKind: 'OPV2',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'must be repeated',
  },

  // Measles-rubella.
  {
    rule: 'MR 1 at 8 months is too early and must be repeated',
    given: [['MR1', '2026-09-10']],
    asOf: '2026-09-10',
    doseKind: 'MR1',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'minimum age P9M',
  },
  {
    rule: 'MR 1 at 9 months is valid and on time',
    given: [['MR1', '2026-10-10']],
    asOf: '2026-10-10',
    doseKind: 'MR1',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'MR 2 at 15 months, 6 months after MR 1, is valid',
    given: [
      ['MR1', '2026-10-10'],
      ['MR2', '2027-04-10'],
    ],
    asOf: '2027-04-10',
    doseKind: 'MR2',
    expected: { status: 'GIVEN_VALID', timing: 'ON_TIME' },
  },
  {
    rule: 'MR 2 five months after MR 1 is invalid',
    given: [
      ['MR1', '2026-11-10'],
      ['MR2', '2027-04-10'],
    ],
    asOf: '2027-04-10',
    doseKind: 'MR2',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'minimum interval P6M',
  },
  { rule: 'MR 1 not given at 10 months is overdue', given: [], asOf: '2026-12-01', doseKind: 'MR1', expected: { status: 'OVERDUE' } },

  // PCV and IPV.
  {
    rule: 'PCV 3 is recommended at 12 months, earliest at 9 months',
    given: [
      ['PCV1', '2026-03-10'],
      ['PCV2', '2026-04-10'],
    ],
    asOf: '2026-10-10',
    doseKind: 'PCV3',
    expected: { status: 'UPCOMING', earliestDate: '2026-10-10', recommendedDate: '2027-01-10' },
  },
  {
    rule: 'IPV 2 three months after IPV 1 is invalid (4 months needed)',
    given: [
      ['IPV1', '2026-05-10'],
      ['IPV2', '2026-08-10'],
    ],
    asOf: '2026-08-10',
    doseKind: 'IPV2',
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'P4M',
  },
  {
    rule: 'a dose beyond the series is recorded but not counted',
    given: [
      ['BCG', '2026-02-10'],
      ['BCG', '2026-03-10'],
    ],
    asOf: '2026-03-10',
    doseKind: 'BCG',
    nth: 1,
    expected: { status: 'GIVEN_INVALID' },
    reasonContains: 'Extra dose',
  },
];

describe('the routine child schedule (data/schedules/id-routine-2026.json)', () => {
  test('has at least 40 cases below', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  test.each(cases)('$rule', (c) => {
    const result = forecast(routine, c.born ?? BORN, given(c.given), c.asOf);
    const entry = result.doses.filter((d) => d.doseKind === c.doseKind)[c.nth ?? 0];
    expect(entry).toBeDefined();
    expect(entry).toMatchObject(c.expected);
    if (c.reasonContains) expect(entry!.reason).toContain(c.reasonContains);
    if (c.expected.status === 'GIVEN_VALID') expect(entry!.reason).toBeUndefined();
  });
});

describe('indicators are data: IDL before the first birthday, IBL at the 18-month doses', () => {
  const idl = (doses: [string, string][], asOf: string) =>
    forecast(routine, BORN, given(doses), asOf).indicators.find((i) => i.code === 'IDL')!;
  const ibl = (doses: [string, string][], asOf: string) =>
    forecast(routine, BORN, given(doses), asOf).indicators.find((i) => i.code === 'IBL')!;

  test('all basic doses valid before the first birthday: IDL complete on the last one', () => {
    expect(idl(ON_TIME, '2026-12-01')).toMatchObject({
      state: 'COMPLETE',
      completedOn: '2026-10-10',
      deadline: '2027-01-10',
      missingDoseKinds: [],
    });
  });
  test('MR 1 at 13 months: completed, but late', () => {
    const doses = ON_TIME.map(([k, d]): [string, string] => (k === 'MR1' ? [k, '2027-02-10'] : [k, d]));
    expect(idl(doses, '2027-03-01')).toMatchObject({ state: 'COMPLETED_LATE', completedOn: '2027-02-10' });
  });
  test('OPV 4 missing after the first birthday: not achieved', () => {
    expect(
      idl(
        ON_TIME.filter(([k]) => k !== 'OPV4'),
        '2027-02-01',
      ),
    ).toMatchObject({ state: 'NOT_ACHIEVED', missingDoseKinds: ['OPV4'] });
  });
  test('at 6 months with doses on time: in progress', () => {
    expect(
      idl(
        ON_TIME.filter(([, d]) => d <= '2026-07-10'),
        '2026-07-10',
      ),
    ).toMatchObject({ state: 'IN_PROGRESS', missingDoseKinds: ['MR1'] });
  });
  test('a too-early MR 1 that was not repeated does not count', () => {
    const doses = ON_TIME.map(([k, d]): [string, string] => (k === 'MR1' ? [k, '2026-09-01'] : [k, d]));
    expect(idl(doses, '2026-12-01')).toMatchObject({ state: 'IN_PROGRESS', missingDoseKinds: ['MR1'] });
  });
  test('DPT-HB-Hib 4 and MR 2 at 18 months: IBL complete', () => {
    expect(ibl([...ON_TIME, ['DPT-HB-HIB4', '2027-07-10'], ['MR2', '2027-07-10']], '2027-08-01')).toMatchObject({
      state: 'COMPLETE',
      completedOn: '2027-07-10',
    });
  });
  test('IBL without MR 2 at 20 months: in progress', () => {
    expect(ibl([...ON_TIME, ['DPT-HB-HIB4', '2027-07-10']], '2027-09-10')).toMatchObject({
      state: 'IN_PROGRESS',
      missingDoseKinds: ['MR2'],
    });
  });
});

describe('the COVID-19 schedule (data/schedules/id-covid19-2026.json)', () => {
  const adult = '1990-05-01';
  const covidCases: Case[] = [
    {
      rule: 'booster 1 two months after primary 2 is invalid',
      born: adult,
      given: [
        ['PRIMARY_1', '2021-08-01'],
        ['PRIMARY_2', '2021-09-01'],
        ['BOOSTER_1', '2021-11-01'],
      ],
      asOf: '2021-11-01',
      doseKind: 'BOOSTER_1',
      expected: { status: 'GIVEN_INVALID' },
      reasonContains: 'P3M',
    },
    {
      rule: 'booster 1 three months after primary 2 is valid',
      born: adult,
      given: [
        ['PRIMARY_1', '2021-08-01'],
        ['PRIMARY_2', '2021-09-01'],
        ['BOOSTER_1', '2021-12-01'],
      ],
      asOf: '2021-12-01',
      doseKind: 'BOOSTER_1',
      expected: { status: 'GIVEN_VALID' },
    },
    {
      rule: 'booster 2 five months after booster 1 is invalid',
      born: adult,
      given: [
        ['PRIMARY_1', '2021-08-01'],
        ['PRIMARY_2', '2021-09-01'],
        ['BOOSTER_1', '2021-12-01'],
        ['BOOSTER_2', '2022-05-01'],
      ],
      asOf: '2022-05-01',
      doseKind: 'BOOSTER_2',
      expected: { status: 'GIVEN_INVALID' },
      reasonContains: 'P6M',
    },
    {
      rule: 'booster 1 at 17 years is invalid (from 18 years)',
      born: '2005-01-01',
      given: [
        ['PRIMARY_1', '2021-08-01'],
        ['PRIMARY_2', '2021-09-01'],
        ['BOOSTER_1', '2022-06-01'],
      ],
      asOf: '2022-06-01',
      doseKind: 'BOOSTER_1',
      expected: { status: 'GIVEN_INVALID' },
      reasonContains: 'minimum age P18Y',
    },
    {
      rule: 'booster 2 is due six months after booster 1',
      born: adult,
      given: [
        ['PRIMARY_1', '2021-08-01'],
        ['PRIMARY_2', '2021-09-01'],
        ['BOOSTER_1', '2021-12-01'],
      ],
      asOf: '2022-06-01',
      doseKind: 'BOOSTER_2',
      expected: { status: 'DUE', earliestDate: '2022-06-01' },
    },
  ];
  test.each(covidCases)('$rule', (c) => {
    const entry = forecast(covid, c.born!, given(c.given), c.asOf).doses.filter((d) => d.doseKind === c.doseKind)[c.nth ?? 0];
    expect(entry).toMatchObject(c.expected);
    if (c.reasonContains) expect(entry!.reason).toContain(c.reasonContains);
  });
});

describe('which schedule applies and what can be given on a date', () => {
  test.each([
    ['routine', '2026-01-10', '2029-01-10', true],
    ['routine', '2018-01-10', '2026-01-10', false],
    ['covid', '2021-01-10', '2026-01-10', false],
    ['covid', '1990-01-10', '2026-01-10', true],
  ] as const)('%s schedule for a person born %s on %s: %s', (which, born, asOf, applies) => {
    expect(scheduleApplies(which === 'routine' ? routine : covid, born, asOf)).toBe(applies);
  });

  test('at 2 months a child on time can get the 2-month doses, one per series', () => {
    const f = forecast(routine, BORN, given(ON_TIME.filter(([, d]) => d < '2026-03-10')), '2026-03-10');
    expect(
      givableOn(f, '2026-03-10')
        .map((d) => d.doseKind)
        .sort(),
    ).toEqual(['DPT-HB-HIB1', 'OPV2', 'PCV1', 'RV1']);
  });

  test('durations add on the calendar', () => {
    expect(addDuration('2026-01-31', parseDuration('P1M'))).toBe('2026-02-28');
    expect(addDuration('2024-01-31', parseDuration('P1M'))).toBe('2024-02-29');
    expect(addDuration('2026-01-10', parseDuration('P15W'))).toBe('2026-04-25');
    expect(addDuration('2026-01-10', parseDuration('P1Y6M'))).toBe('2027-07-10');
    expect(() => parseDuration('2 months')).toThrow();
  });
});

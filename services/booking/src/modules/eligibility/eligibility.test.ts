import { checkEligibility, type DoseFact } from './eligibility.js';

const dose = (doseKind: string, date: string, valid = true): DoseFact => ({ programme: 'COVID19', doseKind, date, valid });
const primary = [dose('PRIMARY_1', '2025-01-01'), dose('PRIMARY_2', '2025-02-01')];
const ask = (doseKind: string, history: DoseFact[], over: Partial<Parameters<typeof checkEligibility>[0]> = {}) =>
  checkEligibility({
    programme: 'COVID19',
    productCode: 'PFIZER',
    doseKind,
    sessionDate: '2026-12-01',
    birthDate: '1990-01-01',
    history,
    ...over,
  });

describe('COVID-19 eligibility (dose intervals, minimum ages and the products allowed per dose)', () => {
  test.each([
    ['primary 1 with no history', 'PRIMARY_1', [], true],
    ['primary 2 21 days after primary 1 (Pfizer)', 'PRIMARY_2', [dose('PRIMARY_1', '2026-11-10')], true],
    ['primary 2 20 days after primary 1', 'PRIMARY_2', [dose('PRIMARY_1', '2026-11-11')], false],
    ['primary 2 without primary 1', 'PRIMARY_2', [], false],
    ['booster 1 three months after primary 2', 'BOOSTER_1', [dose('PRIMARY_1', '2026-07-01'), dose('PRIMARY_2', '2026-09-01')], true],
    ['booster 1 one day short of three months', 'BOOSTER_1', [dose('PRIMARY_1', '2026-07-01'), dose('PRIMARY_2', '2026-09-02')], false],
    ['booster 1 when primary 2 was invalid', 'BOOSTER_1', [dose('PRIMARY_1', '2026-01-01'), dose('PRIMARY_2', '2026-02-01', false)], false],
    ['booster 2 six months after booster 1', 'BOOSTER_2', [...primary, dose('BOOSTER_1', '2026-06-01')], true],
    ['booster 2 five months after booster 1', 'BOOSTER_2', [...primary, dose('BOOSTER_1', '2026-07-02')], false],
    ['a dose already received', 'PRIMARY_1', [dose('PRIMARY_1', '2021-07-01')], false],
  ])('%s', (_name, doseKind, history, ok) => {
    expect(ask(doseKind, history).ok).toBe(ok);
  });

  test('the interval error names the earliest date', () => {
    expect(ask('BOOSTER_2', [...primary, dose('BOOSTER_1', '2026-07-02')])).toMatchObject({
      ok: false,
      field: 'slotId',
      rule: 'MIN_INTERVAL',
      antigen: 'COVID19',
      earliestDate: '2027-01-02',
    });
  });

  test('product intervals override the programme’s (CoronaVac primary interval 28 days)', () => {
    expect(ask('PRIMARY_2', [dose('PRIMARY_1', '2026-11-10')], { productCode: 'CORONAVAC' }).ok).toBe(false);
    expect(ask('PRIMARY_2', [dose('PRIMARY_1', '2026-11-03')], { productCode: 'CORONAVAC' }).ok).toBe(true);
  });

  test('product minimum ages and booster ages on the session date', () => {
    expect(ask('PRIMARY_1', [], { birthDate: '2014-12-02' })).toMatchObject({ ok: false, field: 'birthDate' }); // Pfizer from 12 years
    expect(ask('PRIMARY_1', [], { birthDate: '2014-12-01' }).ok).toBe(true);
    expect(ask('PRIMARY_1', [], { birthDate: '2014-12-01', productCode: 'ASTRAZENECA' }).ok).toBe(false); // from 18 years
    expect(ask('BOOSTER_1', primary, { birthDate: '2009-01-01' })).toMatchObject({
      ok: false,
      field: 'birthDate',
    });
  });

  test('a dose kind the product does not allow', () => {
    expect(ask('BOOSTER_2', [dose('BOOSTER_1', '2025-01-01')], { productCode: 'SINOPHARM' })).toMatchObject({
      ok: false,
      field: 'doseKind',
    });
  });
});

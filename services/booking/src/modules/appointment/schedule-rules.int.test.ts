import { addDays } from '../../time.js';
import { BookingKit, code, inDays, MIROTO, person } from '../../testing/kit.js';

/**
 * The booking rules of the routine child schedule, as a nurse would state them. Every rule comes from
 * data/schedules/id-routine-2026.json through the engine immunization's forecast uses; these tests go
 * through the gateway to booking and its PostgreSQL.
 */
let kit: BookingKit;
const VISIT_IN = 10;
const visit = inDays(VISIT_IN);
/** A child who is `days` old on the visit date. */
const childAged = (days: number, sex: 'MALE' | 'FEMALE' = 'FEMALE') => person({ birthDate: addDays(visit, -days), sex });
let sessions: Record<string, string>;

beforeAll(async () => {
  kit = await BookingKit.start('schedule-rules', { BOOKING_SAME_DAY_CUTOFF: '00:00', BOOKING_MAX_PER_PHONE: '50' });
  sessions = {};
  for (const [productCode, doseKinds] of [
    ['PENTABIO', ['DPT-HB-HIB1', 'DPT-HB-HIB2', 'DPT-HB-HIB3', 'DPT-HB-HIB4']],
    ['ROTAVIRUS', ['RV1', 'RV2', 'RV3']],
  ] as const) {
    await kit.usableStock(MIROTO, productCode, 500);
    const s = await kit.createSession({ date: visit, productCode, doseKinds: [...doseKinds], capacity: 100 });
    sessions[productCode] = s.slots[0]!.id;
  }
});
afterAll(async () => {
  await kit?.close();
});

const book = (p: ReturnType<typeof person>, productCode: string, doseKind: string) =>
  kit.book({ ...p, doseKind, slotId: sessions[productCode] });
const refusal = (res: Awaited<ReturnType<typeof book>>) => {
  const e = res.errors?.[0];
  return {
    code: e?.extensions?.code,
    rule: e?.extensions?.rule,
    antigen: e?.extensions?.antigen,
    earliestDate: e?.extensions?.earliestDate,
  };
};
const recordRoutine = (p: ReturnType<typeof person>, doseKind: string, givenOn: string, doseNumber = 1) =>
  kit.doseRecorded(p.nik, {
    programme: 'ROUTINE_CHILD',
    antigen: doseKind.replace(/\d+$/, ''),
    doseKind,
    doseNumber,
    productCode: doseKind.startsWith('RV') ? 'ROTAVIRUS' : 'PENTABIO',
    administeredAt: `${givenOn}T03:00:00.000Z`,
    birthDate: p.birthDate,
  });

describe('who a vaccine is for', () => {
  test('an adult cannot be booked for an infant vaccine (DPT-HB-Hib)', async () => {
    const mother = person({ birthDate: '1988-03-04', sex: 'FEMALE' });
    const res = await book(mother, 'PENTABIO', 'DPT-HB-HIB1');
    expect(refusal(res)).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'SCHEDULE_AGE', antigen: 'DPT-HB-HIB' });
    expect(res.errors![0]!.message).toMatch(/tidak untuk usia ini/);
    expect(res.errors![0]!.extensions!.messageEn).toMatch(/not for this age/);
  });
});

describe('minimum age on the visit date', () => {
  test('a baby under 6 weeks old on the visit day cannot get DPT-HB-Hib 1, and is told the first day she can', async () => {
    const baby = childAged(41);
    const res = await book(baby, 'PENTABIO', 'DPT-HB-HIB1');
    expect(refusal(res)).toEqual({
      code: 'NOT_ELIGIBLE',
      rule: 'MIN_AGE',
      antigen: 'DPT-HB-HIB',
      earliestDate: addDays(baby.birthDate, 42),
    });
    expect(res.errors![0]!.extensions!.messageEn).toContain(addDays(baby.birthDate, 42));
  });

  test('a baby exactly 6 weeks old on the visit day gets DPT-HB-Hib 1', async () => {
    const res = await book(childAged(42), 'PENTABIO', 'DPT-HB-HIB1');
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookAppointment).toMatchObject({ status: 'BOOKED', doseKind: 'DPT-HB-HIB1' });
  });
});

describe('interval from the previous dose of the series', () => {
  test('DPT-HB-Hib 2 is not booked less than 4 weeks after DPT-HB-Hib 1', async () => {
    const baby = childAged(90);
    const dose1 = addDays(visit, -27);
    await recordRoutine(baby, 'DPT-HB-HIB1', dose1);
    expect(refusal(await book(baby, 'PENTABIO', 'DPT-HB-HIB2'))).toEqual({
      code: 'NOT_ELIGIBLE',
      rule: 'MIN_INTERVAL',
      antigen: 'DPT-HB-HIB',
      earliestDate: addDays(dose1, 28),
    });
  });

  test('DPT-HB-Hib 2 is booked 4 weeks after DPT-HB-Hib 1', async () => {
    const baby = childAged(90);
    await recordRoutine(baby, 'DPT-HB-HIB1', addDays(visit, -28));
    expect((await book(baby, 'PENTABIO', 'DPT-HB-HIB2')).errors).toBeUndefined();
  });

  test('DPT-HB-Hib 2 is not booked before DPT-HB-Hib 1 was given', async () => {
    expect(refusal(await book(childAged(120), 'PENTABIO', 'DPT-HB-HIB2'))).toMatchObject({
      code: 'NOT_ELIGIBLE',
      rule: 'PREVIOUS_DOSE',
      antigen: 'DPT-HB-HIB',
    });
  });

  test('a dose the child already received is not booked again', async () => {
    const baby = childAged(90);
    await recordRoutine(baby, 'DPT-HB-HIB1', addDays(visit, -40));
    expect(refusal(await book(baby, 'PENTABIO', 'DPT-HB-HIB1'))).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'ALREADY_GIVEN' });
  });
});

describe('maximum age', () => {
  test('rotavirus 1 is refused after 15 weeks of age: it is not given any more', async () => {
    const res = await book(childAged(15 * 7 + 1, 'MALE'), 'ROTAVIRUS', 'RV1');
    expect(refusal(res)).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'MAX_AGE', antigen: 'RV' });
    expect(res.errors![0]!.extensions!.messageEn).toMatch(/no longer given/);
  });

  test('rotavirus 3 is no longer needed when 4 weeks after dose 2 would be past 8 months of age', async () => {
    const baby = childAged(235, 'MALE');
    await recordRoutine(baby, 'RV1', addDays(baby.birthDate, 100));
    await recordRoutine(baby, 'RV2', addDays(visit, -VISIT_IN), 2);
    const res = await book(baby, 'ROTAVIRUS', 'RV3');
    expect(refusal(res)).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'NO_LONGER_NEEDED', antigen: 'RV' });
    expect(res.errors![0]!.extensions!.messageEn).toMatch(/no longer needed/);
  });

  test('rotavirus 1 is booked at 15 weeks of age', async () => {
    expect((await book(childAged(15 * 7, 'MALE'), 'ROTAVIRUS', 'RV1')).errors).toBeUndefined();
  });
});

test('a refusal is typed, in both languages, never a server error', async () => {
  const res = await book(childAged(10), 'ROTAVIRUS', 'RV1');
  expect(code(res)).toBe('NOT_ELIGIBLE');
  expect(res.errors![0]!.message).not.toBe(res.errors![0]!.extensions!.messageEn);
});

import { SERVICES } from '@victori/shared';
import { addDays } from '../../../services/booking/src/time.js';
import { BookingKit, code, inDays, MIROTO, person, type Caller } from '../../../services/booking/src/testing/kit.js';

/**
 * The school programme (BIAS) is data only: data/schedules/id-school-bias-2026.json and the DT, Td and
 * HPV rows of data/vaccine-products.csv. This test uses no code written for BIAS: a grade-5 girl is
 * forecast, booked and recorded for HPV 1 through the gateway, on real PostgreSQL.
 */
const REGISTER = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`;
const FORECAST = `query($id: ID!) { forecast(personId: $id, programme: "SCHOOL_BIAS") { programme applies doses { doseKind status earliestDate } } }`;
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id doseKind valid invalidReason } }`;
const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };

type ForecastView = { forecast: { programme: string; applies: boolean; doses: { doseKind: string; status: string }[] } };

describe('the school programme BIAS, from data alone', () => {
  let kit: BookingKit;
  /** A pupil in grade 5: 11 years and 2 months old today. */
  const grade5 = (sex: 'FEMALE' | 'MALE') => person({ birthDate: addDays(inDays(0), -(11 * 365 + 63)), sex });
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const immunizationSql = <T>(query: string, params: unknown[] = []) =>
    kit.platform.services.immunization.runtime.orm.em.fork().execute<T[]>(query, params);
  async function registered(p: ReturnType<typeof person>, sub: string) {
    const citizen: Caller = { role: 'citizen', sub };
    const reg = await kit.gql<{ registerPerson: { id: string } }>(
      REGISTER,
      { i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode } },
      citizen,
    );
    expect(reg.errors).toBeUndefined();
    return { citizen, personId: reg.data!.registerPerson.id };
  }
  let hpvSlot: string;
  let hpvSession: string;

  beforeAll(async () => {
    kit = await BookingKit.start('programme-bias', { BOOKING_SAME_DAY_CUTOFF: '00:00' });
    await kit.usableStock(MIROTO, 'HPV', 40);
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(3),
      productCode: 'HPV',
      doseKinds: ['HPV1', 'HPV2'],
      capacity: 20,
    });
    hpvSession = session.id;
    hpvSlot = session.slots[0]!.id;
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('a grade-5 girl is due for HPV 1; HPV 2 (grade 6) is upcoming', async () => {
    const girl = grade5('FEMALE');
    const { citizen, personId } = await registered(girl, 'citizen-bias-girl');
    const res = await kit.gql<ForecastView>(FORECAST, { id: personId }, citizen);
    expect(res.errors).toBeUndefined();
    const status = Object.fromEntries(res.data!.forecast.doses.map((d) => [d.doseKind, d.status]));
    expect(res.data!.forecast).toMatchObject({ programme: 'SCHOOL_BIAS', applies: true });
    expect(status).toMatchObject({ HPV1: 'DUE', HPV2: 'UPCOMING' });
  });

  test('a boy of the same grade is not offered HPV, and cannot be booked for it', async () => {
    const boy = grade5('MALE');
    const { citizen, personId } = await registered(boy, 'citizen-bias-boy');
    const res = await kit.gql<ForecastView>(FORECAST, { id: personId }, citizen);
    expect(res.data!.forecast.doses.map((d) => d.doseKind)).not.toContain('HPV1');
    const booked = await kit.book({ ...boy, doseKind: 'HPV1', slotId: hpvSlot }, citizen);
    expect(code(booked)).toBe('NOT_ELIGIBLE');
    expect(booked.errors![0]!.extensions).toMatchObject({ rule: 'SEX', antigen: 'HPV' });
  });

  test('a girl of grade 4 (9 years old) cannot be booked for HPV 1 yet', async () => {
    const young = person({ birthDate: addDays(inDays(0), -(9 * 365 + 40)), sex: 'FEMALE' });
    const booked = await kit.book({ ...young, doseKind: 'HPV1', slotId: hpvSlot }, { role: 'citizen', sub: 'citizen-bias-young' });
    expect(booked.errors![0]!.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'MIN_AGE', antigen: 'HPV' });
  });

  test('the grade-5 girl is booked for HPV 1, the dose is recorded at the visit and completes her appointment', async () => {
    const girl = grade5('FEMALE');
    const { citizen, personId } = await registered(girl, 'citizen-bias-visit');
    const booked = await kit.book({ ...girl, doseKind: 'HPV1', slotId: hpvSlot }, citizen);
    expect(booked.errors).toBeUndefined();
    const appointment = booked.data!.bookAppointment;
    expect(appointment).toMatchObject({ status: 'BOOKED', doseKind: 'HPV1', queueNumber: expect.any(Number) as number });
    await settle();
    // The day of the visit comes (both services' copies of the date move to today).
    await kit.shiftSession(hpvSession, inDays(0));
    await immunizationSql(`update facility_appointment set session_date = ?::date where id = ?`, [inDays(0), appointment.id]);
    const recorded = await kit.gql<{ recordDose: { valid: boolean; invalidReason: string | null } }>(
      RECORD,
      {
        i: {
          personId,
          programme: 'SCHOOL_BIAS',
          doseKind: 'HPV1',
          productCode: 'HPV',
          lotNumber: 'HPV-2026-01',
          administeredAt: new Date().toISOString(),
          appointmentId: appointment.id,
          slipCode: appointment.slipCode,
        },
      },
      MIROTO_HW,
    );
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordDose).toMatchObject({ valid: true, invalidReason: null });
    await settle();
    expect(await kit.sql(`select status from appointment where id = ?`, [appointment.id])).toEqual([{ status: 'COMPLETED' }]);
    const after = await kit.gql<ForecastView>(FORECAST, { id: personId }, citizen);
    expect(after.data!.forecast.doses.find((d) => d.doseKind === 'HPV1')?.status).toBe('GIVEN_VALID');
    // And booking knows it: HPV 1 is not booked twice.
    await kit.shiftSession(hpvSession, inDays(3));
    const again = await kit.book({ ...girl, doseKind: 'HPV1', slotId: hpvSlot }, citizen);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'ALREADY_GIVEN' });
  });
});

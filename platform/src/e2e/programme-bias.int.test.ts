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

describe('BIAS by school grade: the grade on the session decides', () => {
  let kit: BookingKit;
  const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id status slipCode doses { doseKind productCode status } } }`;
  const CREATE = `mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id schoolGrade doseKinds slots { id } } } }`;
  const session = (input: Record<string, unknown>) =>
    kit.gql<{ createSession: { session: { id: string; schoolGrade: number | null; slots: { id: string }[] } } }>(
      CREATE,
      { input: { facilityId: MIROTO, date: inDays(3), startTime: '08:00', endTime: '10:00', slotMinutes: 120, capacity: 30, ...input } },
      { role: 'admin' },
    );

  beforeAll(async () => {
    kit = await BookingKit.start('programme-bias-grade', { BOOKING_SAME_DAY_CUTOFF: '00:00' });
    for (const p of ['HPV', 'DT', 'MR', 'TD']) await kit.usableStock(MIROTO, p, 40);
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('the youngest girl of grade 5 (9 years 11 months) is booked for HPV 1 in a grade-5 session, though under the usual age', async () => {
    const s = await session({ productCode: 'HPV', doseKinds: ['HPV1'], schoolGrade: 5 });
    expect(s.errors).toBeUndefined();
    expect(s.data!.createSession.session.schoolGrade).toBe(5);
    const girl = person({ birthDate: addDays(inDays(3), -(9 * 365 + 335)), sex: 'FEMALE' });
    const res = await kit.book({ ...girl, doseKind: 'HPV1', slotId: s.data!.createSession.session.slots[0]!.id });
    expect(res.errors).toBeUndefined();
  });

  test('without a grade on the session the same girl is refused HPV 1 on age (minimum 10 years)', async () => {
    const s = await session({ productCode: 'HPV', doseKinds: ['HPV1'] });
    const girl = person({ birthDate: addDays(inDays(3), -(9 * 365 + 335)), sex: 'FEMALE' });
    const res = await kit.book({ ...girl, doseKind: 'HPV1', slotId: s.data!.createSession.session.slots[0]!.id });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'MIN_AGE', antigen: 'HPV' });
  });

  test('a grade-5 session cannot offer HPV 2, which is given in grade 6', async () => {
    const s = await session({ productCode: 'HPV', doseKinds: ['HPV2'], schoolGrade: 5 });
    expect(code(s)).toBe('BAD_USER_INPUT');
    expect(s.errors![0]!.extensions).toMatchObject({ field: 'doseKinds' });
  });

  test('a grade-5 session cannot be changed to offer HPV 2 later', async () => {
    const s = await session({ productCode: 'HPV', doseKinds: ['HPV1'], schoolGrade: 5 });
    const res = await kit.gql(
      `mutation($id: ID!) { updateSession(id: $id, input: { doseKinds: ["HPV1", "HPV2"] }) { session { id } } }`,
      { id: s.data!.createSession.session.id },
      { role: 'admin' },
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'doseKinds' });
  });

  test('a grade on a programme not given by grade is refused', async () => {
    const s = await session({ productCode: 'PFIZER', doseKinds: ['PRIMARY_1'], schoolGrade: 1 });
    expect(s.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'schoolGrade' });
  });

  test('grade 1: DT and MR at one visit, the MR-BIAS dose recorded under SCHOOL_BIAS with the routine MR vial', async () => {
    const s = await session({
      programme: 'SCHOOL_BIAS',
      productCode: 'DT',
      doseKinds: ['DT-BIAS'],
      moreProducts: [{ productCode: 'MR', doseKinds: ['MR-BIAS'] }],
      schoolGrade: 1,
    });
    expect(s.errors).toBeUndefined();
    const sessionId = s.data!.createSession.session.id;
    const pupil = person({ birthDate: addDays(inDays(0), -(7 * 365 + 20)), sex: 'MALE' });
    const citizen: Caller = { role: 'citizen', sub: 'citizen-bias-grade1' };
    const reg = await kit.gql<{ registerPerson: { id: string } }>(
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
      {
        i: {
          nik: pupil.nik,
          fullName: pupil.fullName,
          birthDate: pupil.birthDate,
          sex: pupil.sex,
          residenceKelurahanCode: pupil.residenceKelurahanCode,
        },
      },
      citizen,
    );
    expect(reg.errors).toBeUndefined();
    const booked = await kit.gql<{ bookAppointment: { id: string; slipCode: string; doses: { doseKind: string; productCode: string }[] } }>(
      BOOK,
      { input: { ...pupil, doseKind: 'DT-BIAS', moreDoseKinds: ['MR-BIAS'], slotId: s.data!.createSession.session.slots[0]!.id } },
      citizen,
    );
    expect(booked.errors).toBeUndefined();
    const a = booked.data!.bookAppointment;
    expect(a.doses.map((d) => `${d.doseKind}:${d.productCode}`)).toEqual(['DT-BIAS:DT', 'MR-BIAS:MR']);
    await settle();
    await kit.shiftSession(sessionId, inDays(0));
    await kit.platform.services.immunization.runtime.orm.em
      .fork()
      .execute(`update facility_appointment set session_date = ?::date where id = ?`, [inDays(0), a.id]);
    const recorded = await kit.gql<{ recordDose: { valid: boolean; doseKind: string } }>(
      RECORD,
      {
        i: {
          personId: reg.data!.registerPerson.id,
          programme: 'SCHOOL_BIAS',
          doseKind: 'MR-BIAS',
          productCode: 'MR',
          lotNumber: 'MR-2026-03',
          administeredAt: new Date().toISOString(),
          appointmentId: a.id,
          slipCode: a.slipCode,
        },
      },
      MIROTO_HW,
    );
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordDose).toMatchObject({ valid: true, doseKind: 'MR-BIAS' });
    await settle();
    expect(await kit.sql(`select dose_kind, status from appointment_dose where appointment_id = ? order by dose_kind`, [a.id])).toEqual([
      { dose_kind: 'DT-BIAS', status: 'BOOKED' },
      { dose_kind: 'MR-BIAS', status: 'GIVEN' },
    ]);
  });
});

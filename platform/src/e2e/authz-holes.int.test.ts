import { generateKeyPair, exportPKCS8, exportSPKI, SignJWT, importPKCS8 } from 'jose';
import { loadPublicKey, signToken, startEdge, verifyToken, type RunningEdge } from '@victori/gateway';
import { SERVICES } from '@victori/shared';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { BANDARHARJO, BookingKit, code, inDays, MIROTO, person, type Caller } from '../../../services/booking/src/testing/kit.js';
import { JWT_AUDIENCE, JWT_ISSUER } from '../platform.js';
import { startTestPlatform, type TestPlatform, testEdgeConfig } from '../testing.js';

/**
 * The authorization holes of issue 14, each reproduced through the public port (edge, gateway, real
 * subgraphs on real PostgreSQL) and now closed.
 */
const REGISTER = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`;
const FIND = `query($nik: String) { findPersons(nik: $nik) { id doseRecords { edges { node { doseKind } } } } }`;
const PERSON = `query($id: ID!) { person(id: $id) { id doseRecords { edges { node { doseKind } } } } }`;
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id doseKind facility { id } } }`;
const MY = `query($nik: String, $b: Date, $s: String) { myAppointments(nik: $nik, birthDate: $b, slipCode: $s) { edges { node { id status } } } }`;
const APPOINTMENT_STATUS = `select status from appointment where id = ?`;

const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };
const BANDARHARJO_HW: Caller = { role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO };
const PARTNER: Caller = { role: 'partner', sub: 'partner-1' };

const covidDose = (personId: string, extra: Record<string, unknown> = {}) => ({
  personId,
  programme: 'COVID19',
  doseKind: 'PRIMARY_1',
  productCode: 'PFIZER',
  lotNumber: 'PF-2026-01',
  administeredAt: new Date().toISOString(),
  ...extra,
});

describe('authorization through the public port', () => {
  let kit: BookingKit;
  let front: RunningEdge;
  const call = async <T = Record<string, unknown>>(caller: Caller, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(front.url, query, variables, { token: await kit.token(caller), headers: caller.headers });

  /** Moves every committed event to the bus and applies it everywhere (relays and consumers run by hand here). */
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const immunizationSql = <T>(query: string, params: unknown[] = []) =>
    kit.platform.services.immunization.runtime.orm.em.fork().execute<T[]>(query, params);

  /** A citizen with their own registry record and an appointment at Miroto `day` days ahead. */
  async function bookedCitizen(sub: string, day: number) {
    const p = person();
    const citizen: Caller = { role: 'citizen', sub };
    const reg = await call<{ registerPerson: { id: string } }>(citizen, REGISTER, {
      i: { nik: p.nik, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, residenceKelurahanCode: p.residenceKelurahanCode },
    });
    expect(reg.errors).toBeUndefined();
    const session = await kit.createSession({ facilityId: MIROTO, date: inDays(day), capacity: 4 });
    const booked = await call<{ bookAppointment: { id: string; slipCode: string } }>(
      citizen,
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id slipCode } }`,
      { input: { ...p, doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id } },
    );
    expect(booked.errors).toBeUndefined();
    await settle();
    return { p, citizen, personId: reg.data!.registerPerson.id, appointment: booked.data!.bookAppointment, session };
  }

  beforeAll(async () => {
    // Per-NIK limit low, as in production it may be: the idempotency test below depends on it.
    kit = await BookingKit.start('authz-holes', { BOOKING_RATE_PER_NIK: '2' });
    await kit.usableStock(MIROTO, 'PFIZER', 1000);
    front = await startEdge(testEdgeConfig(kit.platform.gatewayUrl));
  });
  afterAll(async () => {
    await front?.close();
    await kit?.close();
  });

  test('myAppointments by NIK, birth date and slip code is for the holder only: never a partner or staff', async () => {
    const { p, appointment } = await bookedCitizen('citizen-slip', 3);
    const args = { nik: p.nik, b: p.birthDate, s: appointment.slipCode };
    const holder = await call<{ myAppointments: { edges: { node: { id: string } }[] } }>({}, MY, args);
    expect(holder.data!.myAppointments.edges.map((e) => e.node).map((a) => a.id)).toEqual([appointment.id]);
    const signedInHolder = await call<{ myAppointments: { edges: { node: { id: string } }[] } }>(
      { role: 'citizen', sub: 'citizen-slip' },
      MY,
      args,
    );
    expect(signedInHolder.data!.myAppointments.edges.map((e) => e.node).map((a) => a.id)).toEqual([appointment.id]);
    for (const caller of [PARTNER, BANDARHARJO_HW, MIROTO_HW]) {
      const res = await call(caller, MY, args);
      expect(code(res)).toBe('FORBIDDEN');
      expect(res.data?.myAppointments).toBeUndefined();
    }
    // Partners cannot act on an appointment by its slip either, whether or not it exists.
    const CANCEL = `mutation($id: ID!, $v: AppointmentVerificationInput) { cancelAppointment(id: $id, verification: $v) { id } }`;
    const v = { nik: p.nik, slipCode: appointment.slipCode };
    expect(code(await call(PARTNER, CANCEL, { id: appointment.id, v }))).toBe('FORBIDDEN');
    // A stranger learns nothing about which appointment ids exist.
    const stranger: Caller = { role: 'citizen', sub: 'citizen-stranger' };
    expect(code(await call(stranger, CANCEL, { id: appointment.id }))).toBe('FORBIDDEN');
    expect(code(await call(stranger, CANCEL, { id: '00000000-0000-4000-8000-000000000000' }))).toBe('FORBIDDEN');
  });

  test('findPersons shows a health worker only people linked to their facility, as person does', async () => {
    const { p, personId } = await bookedCitizen('citizen-find', 4);
    // Booked at Miroto: Miroto's health workers find the person; Bandarharjo's get an empty list, as person refuses.
    const mine = await call<{ findPersons: { id: string }[] }>(MIROTO_HW, FIND, { nik: p.nik });
    expect(mine.data!.findPersons.map((x) => x.id)).toEqual([personId]);
    const other = await call<{ findPersons: unknown[] }>(BANDARHARJO_HW, FIND, { nik: p.nik });
    expect(other.errors).toBeUndefined();
    expect(other.data!.findPersons).toEqual([]);
    expect(code(await call(BANDARHARJO_HW, PERSON, { id: personId }))).toBe('FORBIDDEN');
    expect(code(await call(PARTNER, FIND, { nik: p.nik }))).toBe('FORBIDDEN');
    const admin = await call<{ findPersons: { id: string }[] }>({ role: 'admin' }, FIND, { nik: p.nik });
    expect(admin.data!.findPersons.map((x) => x.id)).toEqual([personId]);
  });

  test('recordDose: only for people linked to the facility, and only against its own appointments, today or with a reason', async () => {
    const { personId, appointment } = await bookedCitizen('citizen-dose', 1);
    // Bandarharjo's health worker cannot record for Miroto's person (and learns nothing about unknown ids).
    const foreign = await call(BANDARHARJO_HW, RECORD, { i: covidDose(personId) });
    expect(code(foreign)).toBe('FORBIDDEN');
    const unknown = await call(BANDARHARJO_HW, RECORD, { i: covidDose('00000000-0000-4000-8000-000000000000') });
    expect(code(unknown)).toBe('FORBIDDEN');
    expect(code(await call(BANDARHARJO_HW, PERSON, { id: personId }))).toBe('FORBIDDEN');
    // ... nor complete Miroto's appointment for tomorrow by naming it.
    const againstForeign = await call(BANDARHARJO_HW, RECORD, {
      i: covidDose(personId, { appointmentId: appointment.id, slipCode: appointment.slipCode, reason: 'datang lebih awal' }),
    });
    expect(code(againstForeign)).toBe('FORBIDDEN');
    await settle();
    expect(await kit.sql(APPOINTMENT_STATUS, [appointment.id])).toEqual([{ status: 'BOOKED' }]);
    // Miroto's own appointment is for tomorrow: today only with a recorded reason.
    const noReason = await call(MIROTO_HW, RECORD, {
      i: covidDose(personId, { appointmentId: appointment.id, slipCode: appointment.slipCode }),
    });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason', sessionDate: inDays(1) });
    const withReason = await call<{ recordDose: { facility: { id: string } } }>(MIROTO_HW, RECORD, {
      i: covidDose(personId, { appointmentId: appointment.id, slipCode: appointment.slipCode, reason: 'berangkat kerja besok' }),
    });
    expect(withReason.errors).toBeUndefined();
    expect(withReason.data!.recordDose.facility.id).toBe(MIROTO);
    expect(await immunizationSql(`select off_schedule_reason from dose_record where person_id = ?`, [personId])).toEqual([
      { off_schedule_reason: 'berangkat kerja besok' },
    ]);
    await settle();
    expect(await kit.sql(APPOINTMENT_STATUS, [appointment.id])).toEqual([{ status: 'COMPLETED' }]);
    // On the appointment's own day no reason is needed (the day has come: both services' dates moved to today).
    const onTheDay = await bookedCitizen('citizen-today', 2);
    await kit.shiftSession(onTheDay.session.id, inDays(0));
    await immunizationSql(`update facility_appointment set session_date = ?::date where id = ?`, [inDays(0), onTheDay.appointment.id]);
    const today = await call(MIROTO_HW, RECORD, {
      i: covidDose(onTheDay.personId, { appointmentId: onTheDay.appointment.id, slipCode: onTheDay.appointment.slipCode }),
    });
    expect(today.errors).toBeUndefined();
    expect(await immunizationSql(`select off_schedule_reason from dose_record where person_id = ?`, [onTheDay.personId])).toEqual([
      { off_schedule_reason: null },
    ]);
    await settle();
    expect(await kit.sql(APPOINTMENT_STATUS, [onTheDay.appointment.id])).toEqual([{ status: 'COMPLETED' }]);
  });

  test("a dose recorded elsewhere does not complete another facility's appointment", async () => {
    const { p, appointment } = await bookedCitizen('citizen-elsewhere', 2);
    await kit.doseRecorded(p.nik, { facilityId: BANDARHARJO, appointmentId: appointment.id, slipCode: appointment.slipCode });
    expect(await kit.sql(APPOINTMENT_STATUS, [appointment.id])).toEqual([{ status: 'BOOKED' }]);
  });

  test('walk-ins keep working: registered at the desk, then vaccinated without an appointment', async () => {
    const p = person({ birthDate: '1985-01-20', sex: 'MALE' });
    const input = {
      nik: p.nik,
      fullName: p.fullName,
      birthDate: p.birthDate,
      sex: p.sex,
      residenceKelurahanCode: p.residenceKelurahanCode,
    };
    const walkIn = await call<{ registerPerson: { id: string } }>(MIROTO_HW, REGISTER, { i: input });
    expect(walkIn.errors).toBeUndefined();
    const dose = await call<{ recordDose: { doseKind: string } }>(MIROTO_HW, RECORD, { i: covidDose(walkIn.data!.registerPerson.id) });
    expect(dose.errors).toBeUndefined();
    expect(dose.data!.recordDose.doseKind).toBe('PRIMARY_1');
    // The same person walking in at Bandarharjo with their ID card is linked there too; without the name, nothing.
    const wrongName = await call(BANDARHARJO_HW, REGISTER, { i: { ...input, fullName: 'Orang Lain' } });
    expect(code(wrongName)).toBe('DUPLICATE');
    expect(code(await call(BANDARHARJO_HW, PERSON, { id: walkIn.data!.registerPerson.id }))).toBe('FORBIDDEN');
    const there = await call<{ registerPerson: { id: string } }>(BANDARHARJO_HW, REGISTER, { i: input });
    expect(there.data!.registerPerson.id).toBe(walkIn.data!.registerPerson.id);
    const seen = await call<{ person: { doseRecords: { edges: { node: unknown }[] } } }>(BANDARHARJO_HW, PERSON, {
      id: walkIn.data!.registerPerson.id,
    });
    expect(seen.data!.person.doseRecords.edges.map((e) => e.node)).toHaveLength(1);
  });

  test('a new citizen account claims a walk-in only with the code a health worker hands over, not with ID-card data', async () => {
    const p = person({ birthDate: '1979-09-09', sex: 'FEMALE' });
    const input = {
      nik: p.nik,
      fullName: p.fullName,
      birthDate: p.birthDate,
      sex: p.sex,
      residenceKelurahanCode: p.residenceKelurahanCode,
    };
    const walkIn = await call<{ registerPerson: { id: string } }>(MIROTO_HW, REGISTER, { i: input });
    const personId = walkIn.data!.registerPerson.id;
    expect((await call(MIROTO_HW, RECORD, { i: covidDose(personId) })).errors).toBeUndefined();
    const taker: Caller = { role: 'citizen', sub: 'citizen-taker' };
    // Everything printed on the ID card is not enough.
    const cardOnly = await call(taker, REGISTER, { i: input });
    expect(cardOnly.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(code(await call(taker, PERSON, { id: personId }))).toBe('FORBIDDEN');
    expect((await call<{ myPerson: unknown }>(taker, `{ myPerson { id } }`)).data!.myPerson).toBeNull();
    const guessed = await call(taker, REGISTER, { i: { ...input, claimCode: 'ABCDEFGH' } });
    expect(code(guessed)).toBe('FORBIDDEN');
    // Only health workers who see the person (or admins) issue a code.
    const ISSUE = `mutation($id: ID!) { issuePersonClaimCode(personId: $id) { code expiresAt } }`;
    expect(code(await call(BANDARHARJO_HW, ISSUE, { id: personId }))).toBe('FORBIDDEN');
    expect(code(await call(taker, ISSUE, { id: personId }))).toBe('FORBIDDEN');
    const issued = await call<{ issuePersonClaimCode: { code: string; expiresAt: string } }>(MIROTO_HW, ISSUE, { id: personId });
    expect(issued.data!.issuePersonClaimCode.code).toMatch(/^[A-Z2-9]{8}$/);
    const owner: Caller = { role: 'citizen', sub: 'citizen-owner' };
    const claimed = await call<{ registerPerson: { id: string } }>(owner, REGISTER, {
      i: { ...input, claimCode: issued.data!.issuePersonClaimCode.code.toLowerCase() },
    });
    expect(claimed.data!.registerPerson.id).toBe(personId);
    const mine = await call<{ myPerson: { id: string; doseRecords: { edges: { node: unknown }[] } } }>(
      owner,
      `{ myPerson { id doseRecords { edges { node { doseKind } } } } }`,
    );
    expect(mine.data!.myPerson).toMatchObject({ id: personId, doseRecords: { edges: [{ node: { doseKind: 'PRIMARY_1' } }] } });
    // The code works once.
    const reused = await call({ role: 'citizen', sub: 'citizen-second' }, REGISTER, {
      i: { ...input, claimCode: issued.data!.issuePersonClaimCode.code },
    });
    expect(code(reused)).toBe('DUPLICATE');
  });

  test('20 concurrent retries of one booking with one Idempotency-Key all get the same booking, before any rate limit', async () => {
    const session = await kit.createSession({ facilityId: MIROTO, date: inDays(5), capacity: 40 });
    const p = person();
    const input = { ...p, doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id };
    const retry = (): Promise<GraphQLResponse<{ bookAppointment: { id: string } }>> =>
      call(
        { headers: { 'idempotency-key': `retry-${p.nik}` } },
        `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`,
        {
          input,
        },
      );
    const answers = await Promise.all(Array.from({ length: 20 }, retry));
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(Array(20).fill('OK'));
    expect(new Set(answers.map((a) => a.data!.bookAppointment.id)).size).toBe(1);
    const rows = await kit.sql<{ n: number }>(`select count(*)::int as n from appointment where session_id = ?`, [session.id]);
    expect(rows).toEqual([{ n: 1 }]);
    // The limit still holds for new attempts of that NIK without the key (two per minute here).
    const fresh = await call({}, `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`, { input });
    expect(['RATE_LIMITED', 'DUPLICATE']).toContain(code(fresh));
  });
});

describe('bearer tokens must expire', () => {
  let platform: TestPlatform;
  let privateKey: string;
  let publicKey: string;
  const ask = (token: string) => gql(platform.gatewayUrl, `{ myAppointments { edges { node { id } } } }`, {}, { token });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = await exportPKCS8(pair.privateKey);
    publicKey = await exportSPKI(pair.publicKey);
    platform = await startTestPlatform('authz-exp', {
      background: false,
      gatewayEnv: { JWT_PUBLIC_KEY: publicKey, GATEWAY_JWT_MAX_LIFETIME_S: '3600' },
    });
  });
  afterAll(async () => {
    await platform?.close();
  });

  const sign = async (exp: number | undefined, iat = Math.floor(Date.now() / 1000)) => {
    const jwt = new SignJWT({ role: 'citizen' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('citizen-exp')
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(iat);
    if (exp !== undefined) jwt.setExpirationTime(exp);
    return jwt.sign(await importPKCS8(privateKey, 'ES256'));
  };

  test('a validly signed token without exp, or living longer than the maximum, is UNAUTHENTICATED', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const token of [await sign(undefined), await sign(now + 7200), await sign(now + 600, now - 7200)]) {
      const res = await ask(token);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const ok = await ask(await sign(now + 1800));
    expect(ok.errors).toBeUndefined();
  });

  test('tokens as `npm run token` issues them (8 h) pass the default 24 h maximum', async () => {
    const token = await signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'admin', sub: 'admin-dev' });
    const key = await loadPublicKey(publicKey);
    await expect(verifyToken(token, key, JWT_ISSUER, JWT_AUDIENCE)).resolves.toMatchObject({ role: 'admin', sub: 'admin-dev' });
    // The platform above allows one hour, so the same token is refused there.
    expect((await ask(token)).status).toBe(401);
  });
});

import { makeNik, SERVICES } from '@victori/shared';
import { addDays } from '../../../services/booking/src/time.js';
import { BookingKit, code, field, inDays, MIROTO, person, type Caller } from '../../../services/booking/src/testing/kit.js';

/**
 * One visit, several vaccines (issue 15, item 3), through the gateway on real PostgreSQL: a child's
 * appointment holds every chosen antigen the session offers, under one place, one slip code and one
 * queue number, and each antigen holds its own unit of stock until it is given or marked not given.
 */
const REGISTER_CHILD = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`;
const BOOK = `mutation($input: BookAppointmentInput!) {
  bookAppointment(input: $input) { id status queueNumber slipCode doseKind doses { doseKind productCode status } } }`;
const OFFERS = `query($id: ID!) { session(id: $id) { remainingPlaces offers { productCode doseKinds stockLeft } } }`;
const CHECK_IN = `mutation($id: ID!, $s: String!) { checkIn(appointmentId: $id, slipCode: $s) { status doses { doseKind status } } }`;
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id valid } }`;
const NOT_GIVEN = `mutation($id: ID!, $s: String!, $k: [String!]!) {
  markDosesNotGiven(appointmentId: $id, slipCode: $s, doseKinds: $k) { status doses { doseKind status } } }`;
const MY = `{ myAppointments { edges { node { id status doses { doseKind status } } } } }`;
const CANCEL = `mutation($id: ID!) { cancelAppointment(id: $id) { status doses { doseKind status } } }`;
const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };
const PARENT: Caller = { role: 'citizen', sub: 'citizen-mother-sari' };

type Dose = { doseKind: string; productCode?: string; status: string };
type Booked = { bookAppointment: { id: string; status: string; queueNumber: number; slipCode: string; doseKind: string; doses: Dose[] } };
type Offers = { session: { remainingPlaces: number; offers: { productCode: string; doseKinds: string[]; stockLeft: number }[] } };

describe('one visit, several vaccines', () => {
  let kit: BookingKit;
  let sessionId: string;
  let slotId: string;
  const visit = inDays(3);
  // Ten weeks old on the visit day: DPT-HB-Hib 1, polio 1, PCV 1 and rotavirus 1 are all due.
  const born = addDays(visit, -70);
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const stockLeft = async (): Promise<Record<string, number>> => {
    const res = await kit.gql<Offers>(OFFERS, { id: sessionId });
    return Object.fromEntries(res.data!.session.offers.map((o) => [o.productCode, o.stockLeft]));
  };
  const child = () => ({ ...person({ birthDate: born }), slotId, doseKind: 'DPT-HB-HIB1' });

  beforeAll(async () => {
    kit = await BookingKit.start('one-visit', { BOOKING_SAME_DAY_CUTOFF: '00:00' });
    for (const p of ['PENTABIO', 'BOPV', 'PCV13', 'ROTAVIRUS', 'BCG']) await kit.usableStock(MIROTO, p, 20);
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: visit,
      productCode: 'PENTABIO',
      doseKinds: ['DPT-HB-HIB1', 'DPT-HB-HIB2'],
      moreProducts: [
        { productCode: 'BOPV', doseKinds: ['OPV1', 'OPV2'] },
        { productCode: 'PCV13', doseKinds: ['PCV1', 'PCV2'] },
        { productCode: 'ROTAVIRUS', doseKinds: ['RV1', 'RV2'] },
      ],
      capacity: 10,
      slotMinutes: 120,
    });
    sessionId = session.id;
    slotId = session.slots[0]!.id;
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('the session lists every vaccine it offers, each with its own stock', async () => {
    const res = await kit.gql<Offers>(OFFERS, { id: sessionId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.session.offers).toEqual([
      { productCode: 'PENTABIO', doseKinds: ['DPT-HB-HIB1', 'DPT-HB-HIB2'], stockLeft: 20 },
      { productCode: 'BOPV', doseKinds: ['OPV1', 'OPV2'], stockLeft: 20 },
      { productCode: 'PCV13', doseKinds: ['PCV1', 'PCV2'], stockLeft: 20 },
      { productCode: 'ROTAVIRUS', doseKinds: ['RV1', 'RV2'], stockLeft: 20 },
    ]);
  });

  test('four vaccines at one visit: one place, one slip code, one queue number, one unit of each vaccine', async () => {
    const res = await kit.gql<Booked>(BOOK, { input: { ...child(), moreDoseKinds: ['OPV1', 'PCV1', 'RV1'] } });
    expect(res.errors).toBeUndefined();
    const a = res.data!.bookAppointment;
    expect(a.queueNumber).toBe(1);
    expect(a.slipCode).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(a.doses).toEqual([
      { doseKind: 'DPT-HB-HIB1', productCode: 'PENTABIO', status: 'BOOKED' },
      { doseKind: 'OPV1', productCode: 'BOPV', status: 'BOOKED' },
      { doseKind: 'PCV1', productCode: 'PCV13', status: 'BOOKED' },
      { doseKind: 'RV1', productCode: 'ROTAVIRUS', status: 'BOOKED' },
    ]);
    const after = await kit.gql<Offers>(OFFERS, { id: sessionId });
    expect(after.data!.session.remainingPlaces).toBe(9);
    expect(await stockLeft()).toEqual({ PENTABIO: 19, BOPV: 19, PCV13: 19, ROTAVIRUS: 19 });
  });

  test('the parent may name the vaccines in any order: the visit is the same', async () => {
    const res = await kit.gql<Booked>(BOOK, { input: { ...child(), doseKind: 'RV1', moreDoseKinds: ['DPT-HB-HIB1'] } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookAppointment.doses.map((d) => d.doseKind)).toEqual(['DPT-HB-HIB1', 'RV1']);
  });

  test('a vaccine the session does not offer is refused by name, and nothing is booked', async () => {
    const before = await stockLeft();
    const res = await kit.gql(BOOK, { input: { ...child(), moreDoseKinds: ['OPV1', 'BCG'] } });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(field(res)).toBe('moreDoseKinds');
    expect(res.errors![0]!.message).toContain('BCG');
    expect(await stockLeft()).toEqual(before);
  });

  test('a vaccine not yet due on the visit day is refused with the rule: PCV 2 before PCV 1', async () => {
    const res = await kit.gql(BOOK, { input: { ...child(), moreDoseKinds: ['PCV2'] } });
    expect(code(res)).toBe('NOT_ELIGIBLE');
    expect(res.errors![0]!.extensions).toMatchObject({ doseKind: 'PCV2', field: 'moreDoseKinds' });
    expect(res.errors![0]!.extensions!.messageEn).toEqual(expect.any(String));
  });

  test('when one chosen vaccine has no stock left the visit is refused and no other vaccine’s stock is taken', async () => {
    const before = await stockLeft();
    await kit.usableStock(MIROTO, 'ROTAVIRUS', 20 - before.ROTAVIRUS!);
    const res = await kit.gql(BOOK, { input: { ...child(), moreDoseKinds: ['OPV1', 'RV1'] } });
    expect(code(res)).toBe('SESSION_FULL');
    expect(res.errors![0]!.extensions).toMatchObject({ reason: 'STOCK', doseKind: 'RV1' });
    expect(await stockLeft()).toEqual({ ...before, ROTAVIRUS: 0 });
    await kit.usableStock(MIROTO, 'ROTAVIRUS', 20);
  });

  test('a child holding polio 1 in one visit cannot book polio 1 again, alone or with other vaccines', async () => {
    const c = child();
    expect((await kit.gql(BOOK, { input: { ...c, moreDoseKinds: ['OPV1'] } })).errors).toBeUndefined();
    expect(code(await kit.gql(BOOK, { input: { ...c, doseKind: 'OPV1' } }))).toBe('DUPLICATE');
    expect(code(await kit.gql(BOOK, { input: { ...c, doseKind: 'PCV1', moreDoseKinds: ['OPV1'] } }))).toBe('DUPLICATE');
  });

  test('a visit without the main vaccine is booked too: polio 1 and rotavirus 1 only', async () => {
    const res = await kit.gql<Booked>(BOOK, { input: { ...child(), doseKind: 'OPV1', moreDoseKinds: ['RV1'] } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.bookAppointment.doses.map((d) => `${d.doseKind}:${d.productCode}`)).toEqual(['OPV1:BOPV', 'RV1:ROTAVIRUS']);
  });

  test('cancelling the visit gives back its place and every vaccine’s stock', async () => {
    const before = await stockLeft();
    const booked = await kit.gql<Booked>(BOOK, { input: { ...child(), moreDoseKinds: ['OPV1', 'PCV1'] } }, PARENT);
    expect(booked.errors).toBeUndefined();
    expect(await stockLeft()).toEqual({ ...before, PENTABIO: before.PENTABIO! - 1, BOPV: before.BOPV! - 1, PCV13: before.PCV13! - 1 });
    const cancelled = await kit.gql<{ cancelAppointment: { status: string; doses: Dose[] } }>(
      CANCEL,
      { id: booked.data!.bookAppointment.id },
      PARENT,
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelAppointment.doses.map((d) => d.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(await stockLeft()).toEqual(before);
  });

  test('the due list finds the visit with every vaccine it offers that the child is due for', async () => {
    const parent: Caller = { role: 'citizen', sub: 'citizen-father-due' };
    const reg = await kit.gql<{ registerChild: { id: string } }>(
      REGISTER_CHILD,
      {
        i: {
          fullName: 'Tegar Wibowo',
          birthDate: born,
          sex: 'MALE',
          motherNik: makeNik('337401', '1995-06-30', 'FEMALE', 42),
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
      parent,
    );
    expect(reg.errors).toBeUndefined();
    await settle();
    const res = await kit.gql<{ dueAndAvailableSessions: { sessionId: string; doses: { doseKind: string }[] }[] }>(
      `query($p: ID!, $from: Date!, $to: Date!) {
        dueAndAvailableSessions(personId: $p, from: $from, to: $to, kecamatanCode: "33.74.01") { sessionId doses { doseKind } } }`,
      { p: reg.data!.registerChild.id, from: inDays(0), to: inDays(7) },
      parent,
    );
    expect(res.errors).toBeUndefined();
    const found = res.data!.dueAndAvailableSessions.find((d) => d.sessionId === sessionId);
    expect(found?.doses.map((d) => d.doseKind).sort()).toEqual(['DPT-HB-HIB1', 'OPV1', 'PCV1', 'RV1']);
  });

  test('at the visit each vaccine is checked in and recorded on its own; the visit completes when the rest is marked not given', async () => {
    const reg = await kit.gql<{ registerChild: { id: string } }>(
      REGISTER_CHILD,
      {
        i: {
          fullName: 'Bima Saputra',
          birthDate: born,
          sex: 'MALE',
          motherNik: makeNik('337401', '1993-02-11', 'FEMALE', 41),
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
      PARENT,
    );
    expect(reg.errors).toBeUndefined();
    const childId = reg.data!.registerChild.id;
    await settle();
    const booked = await kit.gql<Booked>(
      BOOK,
      { input: { personId: childId, phone: '081234569999', slotId, doseKind: 'DPT-HB-HIB1', moreDoseKinds: ['OPV1', 'PCV1', 'RV1'] } },
      PARENT,
    );
    expect(booked.errors).toBeUndefined();
    const a = booked.data!.bookAppointment;
    await settle();
    // The visit day is today.
    await kit.shiftSession(sessionId, inDays(0));
    await kit.platform.services.immunization.runtime.orm.em
      .fork()
      .execute(`update facility_appointment set session_date = ?::date where id = ?`, [inDays(0), a.id]);
    const checked = await kit.gql<{ checkIn: { status: string; doses: Dose[] } }>(CHECK_IN, { id: a.id, s: a.slipCode }, MIROTO_HW);
    expect(checked.errors).toBeUndefined();
    expect(checked.data!.checkIn.doses.map((d) => `${d.doseKind}:${d.status}`)).toEqual([
      'DPT-HB-HIB1:BOOKED',
      'OPV1:BOOKED',
      'PCV1:BOOKED',
      'RV1:BOOKED',
    ]);
    const before = await stockLeft();
    for (const [doseKind, productCode] of [
      ['DPT-HB-HIB1', 'PENTABIO'],
      ['OPV1', 'BOPV'],
    ] as const) {
      const recorded = await kit.gql<{ recordDose: { valid: boolean } }>(
        RECORD,
        {
          i: {
            personId: childId,
            programme: 'ROUTINE_CHILD',
            doseKind,
            productCode,
            lotNumber: 'LOT-2026-01',
            administeredAt: new Date().toISOString(),
            appointmentId: a.id,
            slipCode: a.slipCode,
          },
        },
        MIROTO_HW,
      );
      expect(recorded.errors).toBeUndefined();
    }
    await settle();
    const mid = await kit.gql<{ myAppointments: { edges: { node: { id: string; status: string; doses: Dose[] } }[] } }>(MY, {}, PARENT);
    const during = mid.data!.myAppointments.edges.map((e) => e.node).find((x) => x.id === a.id)!;
    // Two of four given: the visit is not complete yet.
    expect(during.status).toBe('CHECKED_IN');
    expect(during.doses.map((d) => `${d.doseKind}:${d.status}`)).toEqual(['DPT-HB-HIB1:GIVEN', 'OPV1:GIVEN', 'PCV1:BOOKED', 'RV1:BOOKED']);

    const rest = await kit.gql<{ markDosesNotGiven: { status: string; doses: Dose[] } }>(
      NOT_GIVEN,
      { id: a.id, s: a.slipCode, k: ['PCV1', 'RV1'] },
      MIROTO_HW,
    );
    expect(rest.errors).toBeUndefined();
    expect(rest.data!.markDosesNotGiven.status).toBe('COMPLETED');
    expect(rest.data!.markDosesNotGiven.doses.map((d) => d.status)).toEqual(['GIVEN', 'GIVEN', 'NOT_GIVEN', 'NOT_GIVEN']);
    // Doses not given free their stock at once.
    const after = await stockLeft();
    expect(after.PCV13).toBe(before.PCV13! + 1);
    expect(after.ROTAVIRUS).toBe(before.ROTAVIRUS! + 1);
  });

  test('a missed visit gives back every vaccine’s stock when the no-shows are marked', async () => {
    const other = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(5),
      productCode: 'PENTABIO',
      doseKinds: ['DPT-HB-HIB1'],
      moreProducts: [{ productCode: 'PCV13', doseKinds: ['PCV1'] }],
      capacity: 5,
      slotMinutes: 120,
    });
    const before = await stockLeft();
    const booked = await kit.gql<Booked>(BOOK, {
      input: {
        ...person({ birthDate: addDays(inDays(5), -70) }),
        slotId: other.slots[0]!.id,
        doseKind: 'DPT-HB-HIB1',
        moreDoseKinds: ['PCV1'],
      },
    });
    expect(booked.errors).toBeUndefined();
    expect((await stockLeft()).PCV13).toBe(before.PCV13! - 1);
    await kit.shiftSession(other.id, inDays(-1));
    const missed = await kit.gql<{ markNoShows: { id: string; doses: Dose[] }[] }>(
      `mutation($id: ID!) { markNoShows(sessionId: $id) { id doses { doseKind status } } }`,
      { id: other.id },
      MIROTO_HW,
    );
    expect(missed.errors).toBeUndefined();
    expect(missed.data!.markNoShows[0]!.doses.map((d) => d.status)).toEqual(['NO_SHOW', 'NO_SHOW']);
    const after = await stockLeft();
    expect([after.PENTABIO, after.PCV13]).toEqual([before.PENTABIO, before.PCV13]);
  });

  test('only the facility’s health workers mark vaccines not given', async () => {
    const res = await kit.gql(NOT_GIVEN, { id: '00000000-0000-4000-8000-000000000000', s: 'ABCDEF', k: ['PCV1'] }, PARENT);
    expect(code(res)).toBe('FORBIDDEN');
  });
});

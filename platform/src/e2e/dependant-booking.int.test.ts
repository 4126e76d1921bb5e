import { makeNik, SERVICES } from '@victori/shared';
import { addDays } from '../../../services/booking/src/time.js';
import { BookingKit, code, inDays, MIROTO, type Caller } from '../../../services/booking/src/testing/kit.js';

/**
 * A parent books a newborn who has no NIK yet, by the child's registry id (Person.id), through the
 * gateway on real PostgreSQL. Booking knows the child only from immunization's events
 * (person.registered, person.guardian-linked).
 */
const REGISTER_CHILD = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id hasNik } }`;
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id status queueNumber slipCode doseKind birthDate sex fullName } }`;
const MY = `{ myAppointments { edges { node { id status doseKind } } } }`;
const CHECK_IN = `mutation($id: ID!, $s: String!) { checkIn(appointmentId: $id, slipCode: $s) { id status } }`;
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id valid } }`;
const MIROTO_HW: Caller = { role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO };
const PARENT: Caller = { role: 'citizen', sub: 'citizen-mother-ayu' };
const STRANGER: Caller = { role: 'citizen', sub: 'citizen-stranger' };

type Booked = {
  bookAppointment: { id: string; status: string; queueNumber: number; slipCode: string; birthDate: string; sex: string; fullName: string };
};

describe('booking for a child without NIK, by the registry id', () => {
  let kit: BookingKit;
  let childId: string;
  let sessionId: string;
  let slotId: string;
  const childBorn = addDays(inDays(0), -70);
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      for (const s of SERVICES) await kit.platform.services[s].runtime.events.relay.relayOnce();
      for (const s of SERVICES) for (const c of kit.platform.services[s].runtime.events.consumers) await c.drain();
    }
  };
  const forChild = (extra: Record<string, unknown> = {}) => ({
    personId: childId,
    phone: '081234560001',
    doseKind: 'DPT-HB-HIB1',
    slotId,
    ...extra,
  });

  beforeAll(async () => {
    kit = await BookingKit.start('dependant-booking', { BOOKING_SAME_DAY_CUTOFF: '00:00' });
    await kit.usableStock(MIROTO, 'PENTABIO', 50);
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(3),
      productCode: 'PENTABIO',
      doseKinds: ['DPT-HB-HIB1', 'DPT-HB-HIB2'],
      capacity: 10,
    });
    sessionId = session.id;
    slotId = session.slots[0]!.id;
    const reg = await kit.gql<{ registerChild: { id: string; hasNik: boolean } }>(
      REGISTER_CHILD,
      {
        i: {
          fullName: 'Ayu Lestari',
          birthDate: childBorn,
          sex: 'FEMALE',
          motherNik: makeNik('337401', '1994-04-12', 'FEMALE', 31),
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
      PARENT,
    );
    expect(reg.errors).toBeUndefined();
    expect(reg.data!.registerChild.hasNik).toBe(false);
    childId = reg.data!.registerChild.id;
    await settle();
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('a stranger cannot book the child: the answer is the same as for an unknown id', async () => {
    const stranger = await kit.gql(BOOK, { input: forChild() }, STRANGER);
    const unknown = await kit.gql(BOOK, { input: forChild({ personId: '00000000-0000-4000-8000-000000000000' }) }, STRANGER);
    expect([code(stranger), code(unknown)]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(stranger.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  test('without signing in, nobody books by registry id', async () => {
    expect(code(await kit.gql(BOOK, { input: forChild() }))).toBe('UNAUTHENTICATED');
  });

  test('her birth date comes from the registry: a 10-week-old is not booked for a COVID-19 dose', async () => {
    const covid = await kit.createSession({ facilityId: MIROTO, date: inDays(3), capacity: 4 });
    await kit.usableStock(MIROTO, 'PFIZER', 10);
    const res = await kit.gql(BOOK, { input: forChild({ doseKind: 'PRIMARY_1', slotId: covid.slots[0]!.id }) }, PARENT);
    expect(code(res)).toBe('NOT_ELIGIBLE');
  });

  test('the parent books the child: one slip code and queue number, shown in her appointments, checked in, dose recorded, completed', async () => {
    const res = await kit.gql<Booked>(BOOK, { input: forChild({ fullName: 'Ayu Lestari' }) }, PARENT);
    expect(res.errors).toBeUndefined();
    const a = res.data!.bookAppointment;
    expect(a).toMatchObject({ status: 'BOOKED', queueNumber: 1, birthDate: childBorn, sex: 'FEMALE', fullName: 'Ayu Lestari' });
    expect(a.slipCode).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    const mine = await kit.gql<{ myAppointments: { edges: { node: { id: string } }[] } }>(MY, {}, PARENT);
    expect(mine.data!.myAppointments.edges.map((e) => e.node).map((x) => x.id)).toContain(a.id);
    // The same child cannot hold two live appointments for the same dose.
    expect(code(await kit.gql(BOOK, { input: forChild() }, PARENT))).toBe('DUPLICATE');

    await settle();
    await kit.shiftSession(sessionId, inDays(0));
    await kit.platform.services.immunization.runtime.orm.em
      .fork()
      .execute(`update facility_appointment set session_date = ?::date where id = ?`, [inDays(0), a.id]);
    const checked = await kit.gql<{ checkIn: { status: string } }>(CHECK_IN, { id: a.id, s: a.slipCode }, MIROTO_HW);
    expect(checked.errors).toBeUndefined();
    expect(checked.data!.checkIn.status).toBe('CHECKED_IN');
    const recorded = await kit.gql<{ recordDose: { valid: boolean } }>(
      RECORD,
      {
        i: {
          personId: childId,
          programme: 'ROUTINE_CHILD',
          doseKind: 'DPT-HB-HIB1',
          productCode: 'PENTABIO',
          lotNumber: 'PB-2026-07',
          administeredAt: new Date().toISOString(),
          appointmentId: a.id,
          slipCode: a.slipCode,
        },
      },
      MIROTO_HW,
    );
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordDose.valid).toBe(true);
    await settle();
    const after = await kit.gql<{ myAppointments: { edges: { node: { id: string; status: string } }[] } }>(MY, {}, PARENT);
    expect(after.data!.myAppointments.edges.map((e) => e.node).find((x) => x.id === a.id)?.status).toBe('COMPLETED');
  });

  test("the child's recorded dose counts at the next booking: DPT-HB-Hib 2 not within 4 weeks of dose 1", async () => {
    const later = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(10),
      productCode: 'PENTABIO',
      doseKinds: ['DPT-HB-HIB1', 'DPT-HB-HIB2'],
      capacity: 4,
    });
    const res = await kit.gql(BOOK, { input: forChild({ doseKind: 'DPT-HB-HIB2', slotId: later.slots[0]!.id }) }, PARENT);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'MIN_INTERVAL', earliestDate: addDays(inDays(0), 28) });
    const again = await kit.gql(BOOK, { input: forChild({ doseKind: 'DPT-HB-HIB1', slotId: later.slots[0]!.id }) }, PARENT);
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'NOT_ELIGIBLE', rule: 'ALREADY_GIVEN' });
  });
});

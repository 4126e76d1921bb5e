import { QueryCounter } from '@victori/shared';
import { BANDARHARJO, BookingKit, code, field, inDays, MIROTO, person, APPOINTMENT_FIELDS } from '../../testing/kit.js';

let kit: BookingKit;
const counter = new QueryCounter();
beforeAll(async () => {
  // Same-day booking never allowed here, so the cut-off is testable whatever the hour.
  kit = await BookingKit.start('booking', { BOOKING_SAME_DAY_CUTOFF: '00:00', BOOKING_MAX_PER_PHONE: '3' }, {}, counter);
  await kit.usableStock(MIROTO, 'PFIZER', 1000);
  await kit.usableStock(BANDARHARJO, 'PFIZER', 1000);
});
afterAll(async () => {
  await kit?.close();
});

describe('booking a place', () => {
  test('gives a confirmed appointment with a queue number and a short slip code, and publishes appointment.booked', async () => {
    const session = await kit.createSession({ capacity: 8, startTime: '08:00', endTime: '10:00' });
    expect(session.slots.map((s) => [s.startTime, s.endTime, s.capacity])).toEqual([
      ['08:00', '08:30', 2],
      ['08:30', '09:00', 2],
      ['09:00', '09:30', 2],
      ['09:30', '10:00', 2],
    ]);
    const p = person();
    const res = await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id });
    expect(res.errors).toBeUndefined();
    const a = res.data!.bookAppointment;
    expect(a).toMatchObject({ status: 'BOOKED', queueNumber: 1, doseKind: 'PRIMARY_1', fullName: p.fullName, walkIn: false });
    expect(a.slipCode).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(a.maskedNik).toBe(`************${p.nik.slice(-4)}`);
    expect(a.slot.remainingPlaces).toBe(1);
    expect(a.session.remainingPlaces).toBe(7);
    expect(await kit.outboxTypes(a.id)).toEqual(['appointment.booked']);
    // Only keyed hashes and ciphertext are stored: the NIK never appears in the database.
    const stored = await kit.sql(`select * from appointment where id = ?`, [a.id]);
    expect(JSON.stringify(stored)).not.toContain(p.nik);
    expect(JSON.stringify(stored)).not.toContain(p.fullName);
  });
});

describe('validations answer with clear field errors', () => {
  let slotId: string;
  beforeAll(async () => {
    slotId = (await kit.createSession({ capacity: 20 })).slots[0]!.id;
  });
  const base = () => ({ ...person({ birthDate: '1990-05-17', sex: 'FEMALE' }), doseKind: 'PRIMARY_1' });

  test.each([
    ['a NIK that is not 16 digits', (i: ReturnType<typeof base>) => ({ ...i, nik: '12345' }), 'nik'],
    ['a NIK with an unknown district code', (i: ReturnType<typeof base>) => ({ ...i, nik: `999999${i.nik.slice(6)}` }), 'nik'],
    ['a NIK whose date is not real', (i: ReturnType<typeof base>) => ({ ...i, nik: `3374017213${i.nik.slice(10)}` }), 'nik'],
    ['a NIK without day + 40 for a woman', (i: ReturnType<typeof base>) => ({ ...i, nik: `337401170590${i.nik.slice(12)}` }), 'nik'],
    ['a birth date that disagrees with the NIK', (i: ReturnType<typeof base>) => ({ ...i, birthDate: '1991-05-17' }), 'nik'],
    ['a sex that disagrees with the NIK', (i: ReturnType<typeof base>) => ({ ...i, sex: 'MALE' }), 'nik'],
    // Empty (null): the service names the field; a value that is not a Date or a Sex never reaches it (GraphQL coercion).
    ['a missing birth date', (i: ReturnType<typeof base>) => ({ ...i, birthDate: null as unknown as string }), 'birthDate'],
    ['a missing sex', (i: ReturnType<typeof base>) => ({ ...i, sex: null as unknown as string }), 'sex'],
    ['an empty name', (i: ReturnType<typeof base>) => ({ ...i, fullName: ' ' }), 'fullName'],
    ['a phone that is not a mobile number', (i: ReturnType<typeof base>) => ({ ...i, phone: '12' }), 'phone'],
    [
      'a kelurahan outside Semarang',
      (i: ReturnType<typeof base>) => ({ ...i, residenceKelurahanCode: '31.71.01.1001' }),
      'residenceKelurahanCode',
    ],
  ])('%s is BAD_USER_INPUT on its field', async (_name, change, expectedField) => {
    const res = await kit.book({ ...change(base()), slotId });
    expect(res.status).toBe(200);
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(field(res)).toBe(expectedField);
    expect(res.errors![0]!.extensions!.messageEn).toBeTruthy();
  });

  test('a dose kind the session does not serve is BAD_USER_INPUT on doseKind', async () => {
    const only = await kit.createSession({ doseKinds: ['BOOSTER_1'], capacity: 4 });
    const res = await kit.book({ ...base(), slotId: only.slots[0]!.id });
    expect([code(res), field(res)]).toEqual(['BAD_USER_INPUT', 'doseKind']);
  });

  test('an unknown slot is NOT_FOUND on slotId', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await kit.book({ ...base(), slotId: id });
      expect([code(res), field(res)]).toEqual(['NOT_FOUND', 'slotId']);
    }
  });

  test('a closed session and a same-day session past the cut-off are refused on slotId', async () => {
    const closed = await kit.createSession({ capacity: 4 });
    await kit.gql(`mutation($id: ID!) { closeSession(id: $id) { id } }`, { id: closed.id }, { role: 'admin' });
    const r1 = await kit.book({ ...base(), slotId: closed.slots[0]!.id });
    expect([code(r1), field(r1)]).toEqual(['CONFLICT', 'slotId']);
    const today = await kit.createSession({ date: inDays(0), startTime: '23:00', endTime: '23:30', capacity: 4 });
    const r2 = await kit.book({ ...base(), slotId: today.slots[0]!.id });
    expect([code(r2), field(r2)]).toEqual(['CONFLICT', 'slotId']);
    expect(r2.errors![0]!.extensions!.cutoff).toBe('00:00');
  });
});

describe('eligibility from the dose history immunization publishes', () => {
  let session: Awaited<ReturnType<BookingKit['createSession']>>;
  beforeAll(async () => {
    session = await kit.createSession({ date: inDays(10), capacity: 40 });
  });
  const book = (p: ReturnType<typeof person>, doseKind: string) => kit.book({ ...p, doseKind, slotId: session.slots[1]!.id });

  test('under the product’s minimum age is NOT_ELIGIBLE on birthDate', async () => {
    const child = person({ birthDate: '2016-01-10', sex: 'MALE' });
    const res = await book(child, 'PRIMARY_1');
    expect([code(res), field(res)]).toEqual(['NOT_ELIGIBLE', 'birthDate']);
  });

  test('booster 1 needs the primary series, 3 months after it, and 18 years of age', async () => {
    const p = person();
    expect(code(await book(p, 'BOOSTER_1'))).toBe('NOT_ELIGIBLE');
    await kit.doseRecorded(p.nik, { doseKind: 'PRIMARY_1', administeredAt: '2025-01-02T03:00:00Z' });
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await kit.doseRecorded(p.nik, { doseKind: 'PRIMARY_2', doseNumber: 2, administeredAt: recent });
    const early = await book(p, 'BOOSTER_1');
    expect([code(early), field(early)]).toEqual(['NOT_ELIGIBLE', 'slotId']);
    expect(early.errors![0]!.extensions!.earliestDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const q = person();
    await kit.doseRecorded(q.nik, { doseKind: 'PRIMARY_1', administeredAt: '2025-01-02T03:00:00Z' });
    await kit.doseRecorded(q.nik, { doseKind: 'PRIMARY_2', doseNumber: 2, administeredAt: '2025-02-02T03:00:00Z' });
    const ok = await book(q, 'BOOSTER_1');
    expect(ok.errors).toBeUndefined();
    expect(code(await book(q, 'PRIMARY_2'))).toBe('NOT_ELIGIBLE'); // already received

    const teen = person({ birthDate: `${Number(inDays(0).slice(0, 4)) - 16}-01-15`, sex: 'MALE' });
    await kit.doseRecorded(teen.nik, { doseKind: 'PRIMARY_1', administeredAt: '2025-01-02T03:00:00Z' });
    await kit.doseRecorded(teen.nik, { doseKind: 'PRIMARY_2', doseNumber: 2, administeredAt: '2025-02-02T03:00:00Z' });
    const young = await book(teen, 'BOOSTER_1');
    expect([code(young), field(young)]).toEqual(['NOT_ELIGIBLE', 'birthDate']);
  });

  test('a corrected dose replaces the old record in the history', async () => {
    const p = person();
    const wrong = await kit.doseRecorded(p.nik, { doseKind: 'PRIMARY_1', administeredAt: '2025-01-02T03:00:00Z' });
    expect(code(await book(p, 'PRIMARY_1'))).toBe('NOT_ELIGIBLE');
    const { createEnvelope, DoseCorrected } = await import('@victori/shared');
    await kit.platform.services.booking.runtime.events.transport.append([
      createEnvelope(DoseCorrected, 'immunization', wrong.personId, {
        supersededDoseRecordId: wrong.doseRecordId,
        superseded: wrong,
        reason: 'wrong person',
        record: null,
      }),
    ]);
    await kit.drain();
    expect((await book(p, 'PRIMARY_1')).errors).toBeUndefined();
  });
});

describe('one live appointment per person and dose, and a family limit per phone', () => {
  test('a second live booking for the same dose kind is DUPLICATE; after cancelling it is possible again', async () => {
    const s = await kit.createSession({ capacity: 10 });
    const p = person();
    const first = await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id });
    const again = await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[1]!.id });
    expect([code(again), field(again)]).toEqual(['DUPLICATE', 'nik']);
    const cancel = await kit.gql(
      `mutation($id: ID!, $v: AppointmentVerificationInput) { cancelAppointment(id: $id, verification: $v) { status } }`,
      {
        id: first.data!.bookAppointment.id,
        v: { nik: p.nik, slipCode: first.data!.bookAppointment.slipCode },
      },
    );
    expect(cancel.data).toEqual({ cancelAppointment: { status: 'CANCELLED' } });
    expect((await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[1]!.id })).errors).toBeUndefined();
  });

  test('one phone books for up to the configured number of family members (3 here)', async () => {
    const s = await kit.createSession({ capacity: 10 });
    const phone = '+62 812-9999-0001';
    for (let i = 0; i < 3; i++) {
      expect((await kit.book({ ...person({ phone }), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id })).errors).toBeUndefined();
    }
    const fourth = await kit.book({ ...person({ phone: '081299990001' }), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id });
    expect([code(fourth), field(fourth)]).toEqual(['CONFLICT', 'phone']);
  });
});

describe('capacity is capped by usable stock learned from inventory', () => {
  test('remaining places never exceed the usable doses not yet promised, over all sessions of the facility', async () => {
    const s1 = await kit.createSession({ facilityId: BANDARHARJO, productCode: 'SINOPHARM', doseKinds: ['PRIMARY_1'], capacity: 10 });
    // No stock event yet: nothing is bookable.
    expect(s1.remainingPlaces).toBe(0);
    await kit.usableStock(BANDARHARJO, 'SINOPHARM', 3);
    const s2 = await kit.createSession({
      facilityId: BANDARHARJO,
      productCode: 'SINOPHARM',
      doseKinds: ['PRIMARY_1'],
      capacity: 10,
      date: inDays(5),
    });
    expect((await kit.session(s1.id)).remainingPlaces).toBe(3);
    expect(s2.remainingPlaces).toBe(3);
    for (let i = 0; i < 2; i++)
      expect((await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s1.slots[0]!.id })).errors).toBeUndefined();
    expect((await kit.session(s2.id)).remainingPlaces).toBe(1);
    expect((await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s2.slots[0]!.id })).errors).toBeUndefined();
    const refused = await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s2.slots[1]!.id });
    expect(code(refused)).toBe('SESSION_FULL');
    expect(refused.errors![0]!.extensions!.reason).toBe('STOCK');
    const view = await kit.session(s1.id);
    expect(view.remainingPlaces).toBe(0);
    expect(view.slots.every((sl) => sl.remainingPlaces === 0)).toBe(true);
    await kit.usableStock(BANDARHARJO, 'SINOPHARM', 5);
    expect((await kit.session(s1.id)).remainingPlaces).toBe(2);
  });
});

describe('idempotent writes (Idempotency-Key)', () => {
  const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id queueNumber slipCode } }`;

  test('the same key and payload replays the first result; another payload is IDEMPOTENCY_CONFLICT', async () => {
    const s = await kit.createSession({ capacity: 10 });
    const input = { ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id };
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers });
    const second = await kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers });
    expect(second.data).toEqual(first.data);
    const other = await kit.gql(BOOK, { input: { ...input, slotId: s.slots[1]!.id } }, { headers });
    expect([code(other), field(other)]).toEqual(['IDEMPOTENCY_CONFLICT', 'Idempotency-Key']);
    const [n] = await kit.sql<{ n: number }>(`select count(*)::int as n from appointment where session_id = ?`, [s.id]);
    expect(n!.n).toBe(1);
  });

  test('retries racing each other with one key create one appointment and all get its result', async () => {
    const s = await kit.createSession({ capacity: 10 });
    const input = { ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers: { 'idempotency-key': 'race-1' } }),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.bookAppointment.id)).size).toBe(1);
    const [n] = await kit.sql<{ n: number }>(`select count(*)::int as n from appointment where session_id = ?`, [s.id]);
    expect(n!.n).toBe(1);
    const [slot] = await kit.sql<{ booked: number }>(`select booked from slot where id = ?`, [s.slots[0]!.id]);
    expect(slot!.booked).toBe(1);
  });

  test('cancel and reschedule replay too', async () => {
    const s = await kit.createSession({ capacity: 10 });
    const p = person();
    const booked = (await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id })).data!.bookAppointment;
    const v = { nik: p.nik, slipCode: booked.slipCode };
    const RESCHEDULE = `mutation($id: ID!, $slotId: ID!, $v: AppointmentVerificationInput) { rescheduleAppointment(id: $id, slotId: $slotId, verification: $v) { id queueNumber slot { id } } }`;
    const headers = { 'idempotency-key': 'move-1' };
    const moved = await kit.gql(RESCHEDULE, { id: booked.id, slotId: s.slots[2]!.id, v }, { headers });
    const again = await kit.gql(RESCHEDULE, { id: booked.id, slotId: s.slots[2]!.id, v }, { headers });
    expect(moved.errors).toBeUndefined();
    expect(again.data).toEqual(moved.data);
    const CANCEL = `mutation($id: ID!, $v: AppointmentVerificationInput) { cancelAppointment(id: $id, verification: $v) { id status } }`;
    const c1 = await kit.gql(CANCEL, { id: booked.id, v }, { headers: { 'idempotency-key': 'cancel-1' } });
    const c2 = await kit.gql(CANCEL, { id: booked.id, v }, { headers: { 'idempotency-key': 'cancel-1' } });
    expect(c1.data).toEqual({ cancelAppointment: { id: booked.id, status: 'CANCELLED' } });
    expect(c2.data).toEqual(c1.data);
    const [slot] = await kit.sql<{ booked: number }>(`select sum(booked)::int as booked from slot where session_id = ?`, [s.id]);
    expect(slot!.booked).toBe(0);
  });
});

describe('managing an appointment', () => {
  const RESCHEDULE = `mutation($id: ID!, $slotId: ID!) { rescheduleAppointment(id: $id, slotId: $slotId) { ${APPOINTMENT_FIELDS} } }`;
  const citizen = { role: 'citizen' as const, sub: 'citizen-manage' };

  test('cancel frees the place at once', async () => {
    const s = await kit.createSession({ capacity: 4, startTime: '08:00', endTime: '09:00' });
    const a = (await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id }, citizen)).data!.bookAppointment;
    expect((await kit.session(s.id)).slots[0]!.remainingPlaces).toBe(1);
    const res = await kit.gql(
      `mutation($id: ID!) { cancelAppointment(id: $id) { status session { remainingPlaces } } }`,
      { id: a.id },
      citizen,
    );
    expect(res.data).toEqual({ cancelAppointment: { status: 'CANCELLED', session: { remainingPlaces: 4 } } });
    expect(await kit.outboxTypes(a.id)).toEqual(['appointment.booked', 'appointment.cancelled']);
    const twice = await kit.gql(`mutation($id: ID!) { cancelAppointment(id: $id) { status } }`, { id: a.id }, citizen);
    expect(code(twice)).toBe('CONFLICT');
  });

  test('someone else cannot cancel: another citizen is FORBIDDEN, anonymous UNAUTHENTICATED, a wrong slip code FORBIDDEN', async () => {
    const s = await kit.createSession({ capacity: 4 });
    const p = person();
    const a = (await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id }, citizen)).data!.bookAppointment;
    const CANCEL = `mutation($id: ID!, $v: AppointmentVerificationInput) { cancelAppointment(id: $id, verification: $v) { status } }`;
    expect(code(await kit.gql(CANCEL, { id: a.id }, { role: 'citizen', sub: 'someone-else' }))).toBe('FORBIDDEN');
    expect(code(await kit.gql(CANCEL, { id: a.id }))).toBe('UNAUTHENTICATED');
    expect(code(await kit.gql(CANCEL, { id: a.id, v: { nik: p.nik, slipCode: 'ZZZZZZ' } }))).toBe('FORBIDDEN');
    expect(code(await kit.gql(CANCEL, { id: a.id }, { role: 'health-worker', facilityId: BANDARHARJO }))).toBe('FORBIDDEN');
  });

  test('reschedule takes the new place and frees the old one; to a full slot it changes nothing', async () => {
    const s = await kit.createSession({ capacity: 4, startTime: '08:00', endTime: '09:00' });
    const other = await kit.createSession({ capacity: 1, startTime: '13:00', endTime: '13:30', date: inDays(6) });
    const a = (await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id }, citizen)).data!.bookAppointment;
    const moved = await kit.gql<{
      rescheduleAppointment: { id: string; queueNumber: number; slot: { id: string }; session: { id: string } };
    }>(RESCHEDULE, { id: a.id, slotId: other.slots[0]!.id }, citizen);
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.rescheduleAppointment).toMatchObject({
      id: a.id,
      queueNumber: 1,
      slot: { id: other.slots[0]!.id },
      session: { id: other.id },
    });
    expect((await kit.session(s.id)).remainingPlaces).toBe(4);
    expect((await kit.session(other.id)).remainingPlaces).toBe(0);
    expect(await kit.outboxTypes(a.id)).toEqual(['appointment.booked', 'appointment.rescheduled']);

    const b = (await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[1]!.id }, citizen)).data!.bookAppointment;
    const full = await kit.gql(RESCHEDULE, { id: b.id, slotId: other.slots[0]!.id }, citizen);
    expect(code(full)).toBe('SESSION_FULL');
    const [still] = await kit.sql<{ slot_id: string; status: string }>(`select slot_id, status from appointment where id = ?`, [b.id]);
    expect(still).toEqual({ slot_id: s.slots[1]!.id, status: 'BOOKED' });
    expect((await kit.session(s.id)).slots[1]!.remainingPlaces).toBe(1);
  });

  test('my appointments: by token, or by NIK, birth date and slip code', async () => {
    const s = await kit.createSession({ capacity: 4 });
    const me = { role: 'citizen' as const, sub: 'citizen-mine' };
    const p = person();
    const a = (await kit.book({ ...p, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id }, me)).data!.bookAppointment;
    const byToken = await kit.gql<{ myAppointments: { edges: { node: { id: string } }[] } }>(
      `{ myAppointments { edges { node { id } } } }`,
      {},
      me,
    );
    expect(byToken.data!.myAppointments.edges.map((e) => e.node).map((x) => x.id)).toEqual([a.id]);
    const Q = `query($nik: String, $b: Date, $c: String) { myAppointments(nik: $nik, birthDate: $b, slipCode: $c) { edges { node { id fullName session { id } } } } }`;
    const bySlip = await kit.gql<{ myAppointments: { edges: { node: { id: string; fullName: string } }[] } }>(Q, {
      nik: p.nik,
      b: p.birthDate,
      c: a.slipCode.toLowerCase(),
    });
    expect(bySlip.data!.myAppointments.edges.map((e) => e.node)).toEqual([{ id: a.id, fullName: p.fullName, session: { id: s.id } }]);
    expect(code(await kit.gql(Q, { nik: p.nik, b: '1990-05-18', c: a.slipCode }))).toBe('NOT_FOUND');
    expect(code(await kit.gql(Q, { nik: p.nik, b: p.birthDate, c: 'AAAAAA' }))).toBe('NOT_FOUND');
    // A lookup with parts missing hears of every missing part at once.
    const partial = await kit.gql(Q, { nik: p.nik });
    expect(partial.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'birthDate' });
    expect((partial.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field)).toEqual(['birthDate', 'slipCode']);
    expect(code(await kit.gql(`{ myAppointments { edges { node { id } } } }`))).toBe('UNAUTHENTICATED');
  });

  test('my appointments by token is one statement for the page and its facilities; totalCount adds the count, and it is right', async () => {
    const s = await kit.createSession({ capacity: 4 });
    const me = { role: 'citizen' as const, sub: 'citizen-counted' };
    for (let i = 0; i < 3; i++) await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[i]!.id }, me);
    type Mine = {
      myAppointments: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: { facility: { name: string } } }[] };
    };
    counter.reset();
    const bare = await kit.gql<Mine>(
      `{ myAppointments(first: 2) { pageInfo { hasNextPage } edges { node { id facility { name } } } } }`,
      {},
      me,
    );
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.myAppointments.edges).toHaveLength(2);
    expect(bare.data!.myAppointments.pageInfo.hasNextPage).toBe(true);
    expect(bare.data!.myAppointments.edges[0]!.node.facility.name).toBe('Puskesmas Miroto');
    // The page, then its facilities (one statement for all of them).
    expect(counter.count).toBe(2);
    counter.reset();
    const counted = await kit.gql<Mine>(
      `{ myAppointments(first: 2) { ...Total edges { node { id } } } } fragment Total on AppointmentConnection { totalCount }`,
      {},
      me,
    );
    expect(counted.data!.myAppointments.totalCount).toBe(3);
    expect(counter.count).toBe(2);
  });
});

describe('at the centre', () => {
  const hw = { role: 'health-worker' as const, facilityId: MIROTO, sub: 'hw-miroto' };
  const otherHw = { role: 'health-worker' as const, facilityId: BANDARHARJO, sub: 'hw-bandarharjo' };
  const CHECK_IN = `mutation($id: ID!, $code: String!) { checkIn(appointmentId: $id, slipCode: $code) { status } }`;

  test('check-in on the day by the facility’s health worker; the day list is for that facility only; no-shows after the end; completion by the dose event', async () => {
    const s = await kit.createSession({ capacity: 10, startTime: '07:00', endTime: '08:00' }, hw);
    const [p1, p2, p3] = [person(), person(), person()];
    const a1 = (await kit.book({ ...p1, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id })).data!.bookAppointment;
    const a2 = (await kit.book({ ...p2, doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id })).data!.bookAppointment;
    const a3 = (await kit.book({ ...p3, doseKind: 'PRIMARY_1', slotId: s.slots[1]!.id })).data!.bookAppointment;

    expect(code(await kit.gql(CHECK_IN, { id: a1.id, code: a1.slipCode }, hw))).toBe('CONFLICT'); // not the session day yet
    await kit.shiftSession(s.id, inDays(0));
    expect(code(await kit.gql(CHECK_IN, { id: a1.id, code: a1.slipCode }, otherHw))).toBe('FORBIDDEN');
    expect(field(await kit.gql(CHECK_IN, { id: a1.id, code: 'WRONG2' }, hw))).toBe('slipCode');
    expect((await kit.gql(CHECK_IN, { id: a1.id, code: a1.slipCode }, hw)).data).toEqual({ checkIn: { status: 'CHECKED_IN' } });

    const walkIn = await kit.gql<{ recordWalkIn: { status: string; walkIn: boolean; queueNumber: number; slipCode: string; id: string } }>(
      `mutation($input: WalkInInput!) { recordWalkIn(input: $input) { id status walkIn queueNumber slipCode } }`,
      { input: { ...person(), sessionId: s.id, doseKind: 'PRIMARY_1' } },
      hw,
    );
    expect(walkIn.data!.recordWalkIn).toMatchObject({ status: 'CHECKED_IN', walkIn: true, queueNumber: 4 });
    expect(
      code(
        await kit.gql(
          `mutation($input: WalkInInput!) { recordWalkIn(input: $input) { id } }`,
          { input: { ...person(), sessionId: s.id, doseKind: 'PRIMARY_1' } },
          otherHw,
        ),
      ),
    ).toBe('FORBIDDEN');

    const DAY = `query($f: ID!, $d: Date!) { facilityDayList(facilityId: $f, date: $d) { queueNumber status fullName maskedNik walkIn } }`;
    const list = await kit.gql<{ facilityDayList: { queueNumber: number; fullName: string }[] }>(DAY, { f: MIROTO, d: inDays(0) }, hw);
    // Slot order, then queue order; where the walk-in lands depends on the hour the test runs.
    expect(list.data!.facilityDayList.map((x) => x.queueNumber).sort()).toEqual([1, 2, 3, 4]);
    expect(list.data!.facilityDayList[0]!.fullName).toBe(p1.fullName);
    expect(code(await kit.gql(DAY, { f: MIROTO, d: inDays(0) }, otherHw))).toBe('FORBIDDEN');
    expect(code(await kit.gql(DAY, { f: MIROTO, d: inDays(0) }, { role: 'citizen', sub: 'c' }))).toBe('FORBIDDEN');

    // The vaccinator records the dose with the slip code: immunization's event completes the appointment.
    await kit.doseRecorded(p1.nik, { appointmentId: a1.id, slipCode: a1.slipCode });
    await kit.doseRecorded(p2.nik, { appointmentId: a2.id, slipCode: 'WRONG2' });
    const [r1, r2] = await Promise.all(
      [a1.id, a2.id].map(async (id) => (await kit.sql<{ status: string }>(`select status from appointment where id = ?`, [id]))[0]!.status),
    );
    expect([r1, r2]).toEqual(['COMPLETED', 'BOOKED']);
    expect((await kit.session(s.id)).servedCount).toBe(1);
    expect(await kit.outboxTypes(a1.id)).toEqual(['appointment.booked', 'appointment.checked-in', 'appointment.completed']);

    const NO_SHOWS = `mutation($id: ID!) { markNoShows(sessionId: $id) { id status } }`;
    expect(code(await kit.gql(NO_SHOWS, { id: s.id }, otherHw))).toBe('FORBIDDEN');
    await kit.shiftSession(s.id, inDays(-1));
    const ns = await kit.gql<{ markNoShows: { id: string; status: string }[] }>(NO_SHOWS, { id: s.id }, hw);
    expect(ns.data!.markNoShows.map((x) => x.id).sort()).toEqual([a2.id, a3.id].sort());
    expect(await kit.outboxTypes(a3.id)).toEqual(['appointment.booked', 'appointment.no-show']);
    const [commitment] = await kit.sql<{ committed: number }>(
      `select committed from stock_commitment where facility_id = ? and product_code = 'PFIZER'`,
      [MIROTO],
    );
    const [live] = await kit.sql<{ n: number }>(
      `select count(*)::int as n from appointment where facility_id = ? and product_code = 'PFIZER' and status in ('BOOKED', 'CHECKED_IN')`,
      [MIROTO],
    );
    expect(commitment!.committed).toBe(live!.n);
  });

  test('no-shows cannot be marked before the session ends', async () => {
    const s = await kit.createSession({ capacity: 4 }, hw);
    expect(code(await kit.gql(`mutation($id: ID!) { markNoShows(sessionId: $id) { id } }`, { id: s.id }, hw))).toBe('CONFLICT');
  });
});

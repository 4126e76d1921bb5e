import { BookingKit, inDays, MIROTO, person } from '../../testing/kit.js';

/**
 * Item 5: under any concurrency a slot never holds more confirmed appointments than its capacity.
 * 500 people press "book" at the same moment for one slot of 50 places, through the real gateway.
 */
let kit: BookingKit;
beforeAll(async () => {
  // Bookings are admitted from the gateway's write budget (deep queue). This test is about overbooking,
  // not admission: a longer queue deadline keeps a slow CI machine from answering OVERLOADED instead.
  kit = await BookingKit.start('storm', {}, { GATEWAY_WRITE_QUEUE_TIMEOUT_MS: '30000' });
  await kit.usableStock(MIROTO, 'PFIZER', 5000);
});
afterAll(async () => {
  await kit?.close();
});

test('500 concurrent attempts at a slot of 50 places: exactly 50 confirmed, every other one SESSION_FULL, no 5xx', async () => {
  const session = await kit.createSession({
    facilityId: MIROTO,
    date: inDays(2),
    startTime: '08:00',
    endTime: '08:30',
    slotMinutes: 30,
    capacity: 50,
  });
  expect(session.slots).toHaveLength(1);
  const slotId = session.slots[0]!.id;
  // Distinct people and phones (the family limit is not what is tested here).
  const people = Array.from({ length: 500 }, () => person());

  const started = Date.now();
  const results = await Promise.all(
    people.map((p) =>
      kit.gql<{ bookAppointment: { id: string; queueNumber: number } }>(
        `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id queueNumber } }`,
        { input: { ...p, doseKind: 'PRIMARY_1', slotId } },
      ),
    ),
  );
  const elapsed = Date.now() - started;

  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  const confirmed = results.filter((r) => r.data?.bookAppointment);
  const refused = results.filter((r) => r.errors);
  expect(confirmed).toHaveLength(50);
  expect(refused).toHaveLength(450);
  expect(new Set(refused.map((r) => r.errors![0]!.extensions!.code))).toEqual(new Set(['SESSION_FULL']));
  // Queue numbers 1..50: unique and without gaps.
  expect(confirmed.map((r) => r.data!.bookAppointment.queueNumber).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 50 }, (_, i) => i + 1),
  );

  const [slot] = await kit.sql<{ booked: number; capacity: number }>(`select booked, capacity from slot where id = ?`, [slotId]);
  expect(slot).toEqual({ booked: 50, capacity: 50 });
  const [count] = await kit.sql<{ n: number }>(`select count(*)::int as n from appointment where slot_id = ? and status = 'BOOKED'`, [
    slotId,
  ]);
  expect(count!.n).toBe(50);
  const [events] = await kit.sql<{ n: number }>(`select count(*)::int as n from outbox where type = 'appointment.booked'`);
  expect(events!.n).toBe(50);
  expect((await kit.session(session.id)).remainingPlaces).toBe(0);
  process.stdout.write(`booking storm: 500 attempts through the gateway in ${elapsed} ms\n`);
});

test('the same person racing themselves holds one live appointment per dose kind', async () => {
  const session = await kit.createSession({ facilityId: MIROTO, date: inDays(4), capacity: 100 });
  const p = person();
  const results = await Promise.all(
    session.slots.flatMap((slot) =>
      Array.from({ length: 5 }, () =>
        kit.gql(`mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`, {
          input: { ...p, doseKind: 'PRIMARY_1', slotId: slot.id },
        }),
      ),
    ),
  );
  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  expect(results.filter((r) => r.data)).toHaveLength(1);
  expect(new Set(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code))).toEqual(new Set(['DUPLICATE']));
  const [count] = await kit.sql<{ n: number }>(`select count(*)::int as n from appointment where session_id = ?`, [session.id]);
  expect(count!.n).toBe(1);
});

test('one visit, several vaccines, 200 concurrent parents: places and every vaccine’s stock stay exact', async () => {
  // A 10-week-old is due DPT-HB-Hib 1, polio 1 and PCV 1; the session has 60 places, 40 Pentabio, 25 PCV.
  await kit.usableStock(MIROTO, 'PENTABIO', 40);
  await kit.usableStock(MIROTO, 'BOPV', 500);
  await kit.usableStock(MIROTO, 'PCV13', 25);
  const session = await kit.createSession({
    facilityId: MIROTO,
    date: inDays(5),
    startTime: '08:00',
    endTime: '09:00',
    slotMinutes: 60,
    capacity: 60,
    productCode: 'PENTABIO',
    doseKinds: ['DPT-HB-HIB1'],
    moreProducts: [
      { productCode: 'BOPV', doseKinds: ['OPV1'] },
      { productCode: 'PCV13', doseKinds: ['PCV1'] },
    ],
  });
  const slotId = session.slots[0]!.id;
  const born = new Date(Date.parse(`${inDays(5)}T00:00:00Z`) - 70 * 86_400_000).toISOString().slice(0, 10);
  const children = Array.from({ length: 200 }, () => person({ birthDate: born }));
  const results = await Promise.all(
    children.map((c) =>
      kit.gql<{ bookAppointment: { id: string; queueNumber: number } }>(
        `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id queueNumber } }`,
        { input: { ...c, doseKind: 'DPT-HB-HIB1', moreDoseKinds: ['OPV1', 'PCV1'], slotId } },
      ),
    ),
  );
  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  const confirmed = results.filter((r) => r.data?.bookAppointment);
  // PCV is the scarcest: 25 visits, and no visit without all three of its vaccines.
  expect(confirmed).toHaveLength(25);
  expect(new Set(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code))).toEqual(new Set(['SESSION_FULL']));
  expect(confirmed.map((r) => r.data!.bookAppointment.queueNumber).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 25 }, (_, i) => i + 1),
  );
  const committed = await kit.sql<{ product_code: string; committed: number }>(
    `select product_code, committed from stock_commitment where facility_id = ? and product_code in ('PENTABIO', 'BOPV', 'PCV13') order by product_code`,
    [MIROTO],
  );
  expect(committed).toEqual([
    { product_code: 'BOPV', committed: 25 },
    { product_code: 'PCV13', committed: 25 },
    { product_code: 'PENTABIO', committed: 25 },
  ]);
  const [doses] = await kit.sql<{ n: number }>(
    `select count(*)::int as n from appointment_dose d join appointment a on a.id = d.appointment_id where a.session_id = ?`,
    [session.id],
  );
  expect(doses!.n).toBe(75);
  const [slot] = await kit.sql<{ booked: number }>(`select booked from slot where id = ?`, [slotId]);
  expect(slot!.booked).toBe(25);
});

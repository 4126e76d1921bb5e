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

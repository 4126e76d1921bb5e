import { BANDARHARJO, BookingKit, code, field, inDays, MIROTO, person, APPOINTMENT_FIELDS } from '../../testing/kit.js';

let kit: BookingKit;
beforeAll(async () => {
  // Same-day booking never allowed here, so the cut-off is testable whatever the hour.
  kit = await BookingKit.start('booking', { BOOKING_SAME_DAY_CUTOFF: '00:00', BOOKING_MAX_PER_PHONE: '3' });
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

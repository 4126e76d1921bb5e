import { jest } from '@jest/globals';
import { BookingKit, inDays, MIROTO, person } from '../../testing/kit.js';
import { RateLimiter } from './rate-limit.js';

const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`;

describe('per-client rate limits on booking', () => {
  let kit: BookingKit;
  beforeAll(async () => {
    kit = await BookingKit.start('ratelimit', { BOOKING_RATE_PER_NIK: '3', BOOKING_RATE_PER_IP: '8' });
    await kit.usableStock(MIROTO, 'PFIZER', 100);
  });
  afterAll(async () => kit?.close());

  test('one NIK retried past its limit is refused with RATE_LIMITED and a wait, without touching the slot', async () => {
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(2),
      startTime: '08:00',
      endTime: '08:30',
      slotMinutes: 30,
      capacity: 1,
    });
    const slotId = session.slots[0]!.id;
    const filler = person();
    expect((await kit.gql(BOOK, { input: { ...filler, doseKind: 'PRIMARY_1', slotId } })).errors).toBeUndefined();
    const bot = person();
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await kit.gql(BOOK, { input: { ...bot, doseKind: 'PRIMARY_1', slotId } });
      codes.push(String(res.errors![0]!.extensions!.code));
    }
    expect(codes).toEqual(['SESSION_FULL', 'SESSION_FULL', 'SESSION_FULL', 'RATE_LIMITED']);
    const last = await kit.gql(BOOK, { input: { ...bot, doseKind: 'PRIMARY_1', slotId } });
    expect(last.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', field: 'nik' });
    expect(Number(last.errors![0]!.extensions!.retryAfterSeconds)).toBeGreaterThan(0);
  });

  test('one address past its limit is refused, whoever it books for', async () => {
    // 6 attempts were made from this address above; the limit is 8 per minute.
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(3),
      startTime: '08:00',
      endTime: '08:30',
      slotMinutes: 30,
      capacity: 10,
    });
    const slotId = session.slots[0]!.id;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await kit.gql(BOOK, { input: { ...person(), doseKind: 'PRIMARY_1', slotId } }));
    expect(results.map((r) => (r.errors ? r.errors[0]!.extensions!.code : 'OK'))).toEqual(['OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(results[3]!.errors![0]!.extensions!.field).toBe('client');
  });
});

describe('replays of a stored booking and the rate limits', () => {
  let kit: BookingKit;
  beforeAll(async () => {
    kit = await BookingKit.start('ratereplay', { BOOKING_RATE_PER_NIK: '2', BOOKING_RATE_PER_IP: '3' });
    await kit.usableStock(MIROTO, 'PFIZER', 100);
  });
  afterAll(async () => kit?.close());

  test('a retry with the same Idempotency-Key gets the first answer, is never refused by a limit and does not count against one', async () => {
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(2),
      startTime: '08:00',
      endTime: '08:30',
      slotMinutes: 30,
      capacity: 10,
    });
    const slotId = session.slots[0]!.id;
    const parent = person();
    const input = { ...parent, doseKind: 'PRIMARY_1', slotId };
    const headers = { 'idempotency-key': 'phone-on-a-bad-network' };
    const first = await kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers });
    expect(first.errors).toBeUndefined();
    // Five retries: more than either limit (2 per NIK, 3 per address) would let through if they counted.
    for (let i = 0; i < 5; i++) {
      const retry = await kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.bookAppointment.id).toBe(first.data!.bookAppointment.id);
    }
    // The address has used one of its three attempts: two more people book, the next one is refused.
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await kit.gql(BOOK, { input: { ...person(), doseKind: 'PRIMARY_1', slotId } }));
    expect(others.map((r) => (r.errors ? r.errors[0]!.extensions!.code : 'OK'))).toEqual(['OK', 'OK', 'RATE_LIMITED']);
    // Over the address's limit, the retry still gets its first answer.
    const late = await kit.gql<{ bookAppointment: { id: string } }>(BOOK, { input }, { headers });
    expect(late.errors).toBeUndefined();
    expect(late.data!.bookAppointment.id).toBe(first.data!.bookAppointment.id);
    const [booked] = await kit.sql<{ n: string }>(`select count(*) as n from appointment where slot_id = ?`, [slotId]);
    expect(Number(booked!.n)).toBe(3);
  });
});

describe('RateLimiter (in memory, without REDIS_URL)', () => {
  test('counts per key within a window and opens again after it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const limiter = new RateLimiter(2, 60_000);
      expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('b')]).toEqual([0, 0, 0]);
      jest.advanceTimersByTime(30_000);
      expect(await limiter.take('a')).toBe(30);
      jest.advanceTimersByTime(30_001);
      expect(await limiter.take('a')).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a limit of 0 is off', async () => {
    const limiter = new RateLimiter(0, 60_000);
    for (let i = 0; i < 100; i++) expect(await limiter.take('x')).toBe(0);
  });
});

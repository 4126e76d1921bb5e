import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import {
  encodeClaims,
  Env,
  HEADER_CLAIMS,
  HEADER_REQUEST_ID,
  HEADER_SIGNATURE,
  loadServiceConfig,
  signClaims,
  startService,
  type RunningService,
} from '@victori/shared';
import { gql, RedisCut, testRedis } from '@victori/shared/testing';
import { BookingKit, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { SERVICE_DEFINITIONS } from '../services.js';
import { countingPassThrough } from '../testing.js';

/**
 * Replicas on one Redis (REDIS_URL; `npm run test:redis`): two booking replicas enforce one rate limit,
 * two edges share one cache of anonymous reads; and what happens when Redis is not there.
 */
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`;
const redis = testRedis('replicas');

describe('two replicas, one Redis', () => {
  let kit: BookingKit;
  const closing: { close(): Promise<void> }[] = [];

  /** Another booking replica on the same databases; REDIS_URL as given (the platform's, or a dead one). */
  const bookingReplica = async (redisEnv: Record<string, string>): Promise<RunningService> => {
    const p = kit.platform;
    const env = new Env({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      BOOKING_PORT: '0',
      BOOKING_DATABASE_URL: p.databaseUrls.services.booking,
      BUS_DATABASE_URL: p.databaseUrls.bus,
      GATEWAY_SECRET: p.secrets.gatewaySecret,
      PII_KEY: p.secrets.piiKey,
      GATEWAY_URL: p.gatewayUrl,
      BOOKING_RATE_PER_IP: '3',
      BOOKING_RATE_PER_NIK: '0',
      ...redisEnv,
    });
    const running = await startService(SERVICE_DEFINITIONS.booking, loadServiceConfig('booking', env), { background: false });
    closing.push(running);
    return running;
  };
  /** A booking as the gateway would forward it, straight to one replica, from one client address. */
  let serial = 0;
  const bookAt = async (replica: { url: string }, slotId: string, address: string): Promise<string> => {
    const requestId = `replica-${++serial}`;
    const claims = encodeClaims({ role: 'anonymous' });
    const res = await gql(
      replica.url,
      BOOK,
      { input: { ...person(), doseKind: 'PRIMARY_1', slotId } },
      {
        headers: {
          [HEADER_REQUEST_ID]: requestId,
          [HEADER_CLAIMS]: claims,
          [HEADER_SIGNATURE]: signClaims(kit.platform.secrets.gatewaySecret, requestId, claims),
          'x-forwarded-for': address,
        },
      },
    );
    return String(res.errors?.[0]?.extensions?.code ?? 'OK');
  };
  const slot = async (day: number): Promise<string> => {
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(day),
      startTime: '08:00',
      endTime: '08:30',
      slotMinutes: 30,
      capacity: 50,
    });
    return session.slots[0]!.id;
  };
  const edge = async (env: Record<string, string>): Promise<RunningEdge> => {
    const running = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', LOG_LEVEL: 'silent', EDGE_PUBLIC_CACHE_MS: '60000', ...env })),
    );
    closing.push(running);
    return running;
  };
  const read = async (front: RunningEdge, query: string): Promise<{ state: string | null; body: string }> => {
    const res = await fetch(front.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(200);
    return { state: res.headers.get('x-edge-cache'), body: await res.text() };
  };

  beforeAll(async () => {
    kit = await BookingKit.start('replicas', { ...redis.env, BOOKING_RATE_PER_IP: '3' }, { ...redis.env });
    await kit.usableStock(MIROTO, 'PFIZER', 500);
  });
  afterAll(async () => {
    for (const c of closing.reverse()) await c.close();
    await kit?.close();
    await redis.cleanup();
    expect(await redis.keys()).toEqual([]);
  });

  test('two booking replicas enforce one per-address limit (3 a minute), not 3 each', async () => {
    const second = await bookingReplica(redis.env);
    const first = kit.platform.services.booking;
    const slotId = await slot(2);
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await bookAt(i % 2 ? second : first, slotId, '192.0.2.70'));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Another address is counted apart, on either replica.
    expect(await bookAt(second, slotId, '192.0.2.71')).toBe('OK');
  });

  test('Redis unreachable (a dead port): bookings are still taken, and the limit holds on each replica', async () => {
    const dead = await RedisCut.open(redis.url);
    await dead.cut();
    const cutOff = await bookingReplica({ REDIS_URL: dead.url, REDIS_KEY_PREFIX: redis.prefix });
    const slotId = await slot(3);
    const started = Date.now();
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await bookAt(cutOff, slotId, '192.0.2.80'));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(Date.now() - started).toBeLessThan(5000);
    const [row] = await kit.sql<{ n: number }>('select count(*)::int as n from appointment where slot_id = ?', [slotId]);
    expect(row!.n).toBe(3);
  });

  test('two edges on one Redis share one cache: what one asked, the other serves', async () => {
    const gateway = await countingPassThrough(new URL(kit.platform.gatewayUrl).origin);
    closing.push(gateway);
    const env = { ...redis.env, EDGE_UPSTREAM_URL: gateway.origin };
    const [a, b] = [await edge(env), await edge(env)];
    const query = `{ facilities(type: HOSPITAL) { code name } }`;
    const first = await read(a, query);
    const second = await read(b, query);
    expect([first.state, second.state]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect(gateway.posts).toBe(1);
    // 20 identical reads of another query at once through one edge: one call upstream.
    const other = `{ facilities(type: CLINIC) { code } }`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => read(a, other)));
    expect(new Set(answers.map((x) => x.body)).size).toBe(1);
    expect(gateway.posts).toBe(2);
    expect((await redis.keys()).some((k) => k.startsWith(`${redis.prefix}cache:`))).toBe(true);
  });

  test('Redis lost mid-run: the edge keeps answering and caching, from its own memory', async () => {
    const line = await RedisCut.open(redis.url);
    closing.push(line);
    const gateway = await countingPassThrough(new URL(kit.platform.gatewayUrl).origin);
    closing.push(gateway);
    const front = await edge({ REDIS_URL: line.url, REDIS_KEY_PREFIX: redis.prefix, EDGE_UPSTREAM_URL: gateway.origin });
    const query = `{ facilities(type: UNIVERSITY) { code } }`;
    expect((await read(front, query)).state).toBe('miss');
    await line.cut();
    // What this edge stored is still served; a read it has not seen is asked once and kept in its memory.
    expect((await read(front, query)).state).toBe('hit');
    const other = `{ facilities(type: TNI_POLRI) { code } }`;
    expect((await read(front, other)).state).toBe('miss');
    expect((await read(front, other)).state).toBe('hit');
    expect(gateway.posts).toBe(2);
    const metrics = (await (await fetch(new URL('/metrics.json', front.url))).json()) as {
      publicCache: { store: string; redisFallbacks: number };
    };
    expect(metrics.publicCache.store).toBe('redis');
    expect(metrics.publicCache.redisFallbacks).toBeGreaterThan(0);
  });
});

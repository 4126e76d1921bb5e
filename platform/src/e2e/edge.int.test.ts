import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env } from '@victori/shared';
import { BookingKit, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { freePort } from '../platform.js';
import { countingPassThrough } from '../testing.js';

const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`;
const READ = `{ facilities(type: PUSKESMAS) { edges { node { name } } } }`;

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

async function post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

const code = (a: Answer): string => String(a.body.errors?.[0]?.extensions.code ?? (a.status === 200 ? 'OK' : a.status));

describe('the edge: the public front door in front of the gateway', () => {
  let kit: BookingKit;
  const edges: RunningEdge[] = [];
  let upstream: string;
  const edge = async (env: Record<string, string> = {}): Promise<RunningEdge> => {
    // The cache of anonymous reads is off unless a test asks for it: these tests count what reaches the gateway.
    const running = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: upstream, LOG_LEVEL: 'silent', EDGE_PUBLIC_CACHE_MS: '0', ...env })),
    );
    edges.push(running);
    return running;
  };
  const slot = async (capacity: number, day: number): Promise<string> => {
    const session = await kit.createSession({
      facilityId: MIROTO,
      date: inDays(day),
      startTime: '08:00',
      endTime: '08:30',
      slotMinutes: 30,
      capacity,
    });
    return session.slots[0]!.id;
  };

  beforeAll(async () => {
    // The gateway believes X-Forwarded-For from loopback, where the edge is; booking limits 3 bookings a minute per address.
    kit = await BookingKit.start('edge', { BOOKING_RATE_PER_IP: '3' }, { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' });
    upstream = new URL(kit.platform.gatewayUrl).origin;
    await kit.usableStock(MIROTO, 'PFIZER', 100);
  });
  const passes: { close(): Promise<void> }[] = [];
  /** An edge with the anonymous-read cache on, in front of a pass-through that counts what reaches the gateway. */
  const cachingEdge = async (env: Record<string, string> = {}) => {
    const gateway = await countingPassThrough(upstream);
    passes.push(gateway);
    return { gateway, front: await edge({ EDGE_UPSTREAM_URL: gateway.origin, EDGE_PUBLIC_CACHE_MS: '60000', ...env }) };
  };
  afterAll(async () => {
    for (const e of edges) await e.close();
    for (const p of passes) await p.close();
    await kit?.close();
  });

  test('reads pass through with their request id; health, readiness and metrics are the edge own', async () => {
    const front = await edge();
    const answer = await post(front.url, { query: READ }, { 'x-request-id': 'edge-test-1' });
    expect(answer.status).toBe(200);
    expect((answer.body.data!.facilities as { edges: unknown[] }).edges.length).toBeGreaterThan(10);
    expect(answer.headers.get('x-request-id')).toBe('edge-test-1');
    const origin = new URL(front.url).origin;
    expect(await (await fetch(`${origin}/health`)).json()).toEqual({ status: 'ok', service: 'edge' });
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { gateway: 'up', booking: 'up', reporting: 'up' } });
    const metrics = (await (await fetch(`${origin}/metrics.json`)).json()) as Record<string, unknown>;
    expect(metrics).toMatchObject({ admission: { read: { inFlight: 0, limit: 64 }, write: { limit: 64 } }, upstreamFailures: 0 });
    expect(metrics.forwarded).toBeGreaterThanOrEqual(1);
  });

  test('the per-address booking limit counts the address the edge saw; a client cannot dodge it with X-Forwarded-For', async () => {
    const front = await edge();
    const slotId = await slot(20, 2);
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      // Every attempt claims another address; the edge was not told to believe any of them.
      results.push(
        code(
          await post(
            front.url,
            { query: BOOK, variables: { input: { ...person(), doseKind: 'PRIMARY_1', slotId } } },
            { 'x-forwarded-for': `203.0.113.${i}` },
          ),
        ),
      );
    }
    expect(results).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
  });

  test('behind a trusted load balancer, each client address has its own limit', async () => {
    const behindBalancer = await edge({ EDGE_TRUSTED_PROXIES: '127.0.0.1' });
    const slotId = await slot(20, 3);
    const attempt = async (client: string): Promise<string> =>
      code(
        await post(
          behindBalancer.url,
          { query: BOOK, variables: { input: { ...person(), doseKind: 'PRIMARY_1', slotId } } },
          // The balancer appends the address it saw; entries to the left came from the client.
          { 'x-forwarded-for': `198.51.100.99, ${client}` },
        ),
      );
    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await attempt('192.0.2.10'));
    expect(first).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    expect(await attempt('192.0.2.11')).toBe('OK');
  });

  test('excess reads are refused at once, typed and bilingual with Retry-After; bookings are admitted from their own budget', async () => {
    const tight = await edge({ EDGE_READ_MAX_CONCURRENT: '1', EDGE_READ_MAX_QUEUE: '0', EDGE_TRUSTED_PROXIES: '127.0.0.1' });
    const slotId = await slot(5, 4);
    const reads = Array.from({ length: 40 }, () => post(tight.url, { query: READ }));
    const booking = post(
      tight.url,
      { query: BOOK, variables: { input: { ...person(), doseKind: 'PRIMARY_1', slotId } } },
      { 'x-forwarded-for': '192.0.2.50' },
    );
    const answers = await Promise.all(reads);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(refused.length + answers.filter((a) => a.status === 200).length).toBe(answers.length);
    for (const a of refused) {
      expect(a.headers.get('retry-after')).toBe('1');
      expect(a.body.errors![0]!.extensions).toMatchObject({
        code: 'OVERLOADED',
        messageId: 'common.overloaded',
        messageEn: expect.stringContaining('busy'),
        requestId: expect.any(String),
      });
      expect(a.body.errors![0]!.message).toContain('sibuk');
    }
    expect(code(await booking)).toBe('OK');
    const metrics = (await (await fetch(new URL('/metrics.json', tight.url))).json()) as {
      admission: Record<string, { inFlight: number; refused: number }>;
    };
    expect(metrics.admission.read.refused).toBe(refused.length);
    expect(metrics.admission.write.refused).toBe(0);
    // Every admitted request gave its place back.
    expect(metrics.admission.read.inFlight).toBe(0);
    expect(metrics.admission.write.inFlight).toBe(0);
    const [row] = await kit.sql<{ n: number }>('select count(*)::int as n from appointment where slot_id = ?', [slotId]);
    expect(row!.n).toBe(1);
  });

  test('a body over the limit is refused with 413 and never reaches the gateway', async () => {
    const front = await edge({ EDGE_MAX_BODY_BYTES: '1000' });
    const answer = await post(front.url, { query: READ, variables: { pad: 'x'.repeat(2000) } });
    expect(answer.status).toBe(413);
    expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', messageEn: 'Request body too large' });
    const metrics = (await (await fetch(new URL('/metrics.json', front.url))).json()) as { forwarded: number; tooLarge: number };
    expect(metrics).toMatchObject({ forwarded: 0, tooLarge: 1 });
  });

  test('when the gateway is down the edge answers 503 UNAVAILABLE with Retry-After, and is not ready', async () => {
    const orphan = await startEdge(
      loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`, LOG_LEVEL: 'silent' })),
    );
    edges.push(orphan);
    const answer = await post(orphan.url, { query: READ });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body.errors![0]!.extensions).toMatchObject({
      code: 'UNAVAILABLE',
      messageId: expect.any(String),
      messageEn: expect.any(String),
    });
    expect((await fetch(new URL('/ready', orphan.url))).status).toBe(503);
    expect((await fetch(new URL('/health', orphan.url))).status).toBe(200);
  });

  describe('anonymous reads from the cache at the edge', () => {
    test('30 identical anonymous reads at once reach the gateway once, and all get the same answer', async () => {
      const { gateway, front } = await cachingEdge();
      const query = `{ facilities(type: PUSKESMAS) { edges { node { code name } } } }`;
      const answers = await Promise.all(Array.from({ length: 30 }, () => post(front.url, { query })));
      expect(gateway.posts).toBe(1);
      expect(answers.every((a) => a.status === 200 && (a.body.data!.facilities as { edges: unknown[] }).edges.length > 10)).toBe(true);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      const states = answers.map((a) => a.headers.get('x-edge-cache'));
      expect(states.filter((s) => s === 'miss')).toHaveLength(1);
      expect(states.every((s) => s === 'miss' || s === 'shared' || s === 'hit')).toBe(true);
      const again = await post(front.url, { query });
      expect([again.headers.get('x-edge-cache'), again.headers.get('cache-control')]).toEqual([
        'hit',
        expect.stringMatching(/^public, max-age=\d+$/),
      ]);
      expect(gateway.posts).toBe(1);
    });

    test('after a booking, the stale availability is served at once while one refresh runs, then the new one', async () => {
      const { gateway, front } = await cachingEdge({ EDGE_PUBLIC_CACHE_FRESH_MS: '300' });
      const session = await kit.createSession({
        facilityId: MIROTO,
        date: inDays(5),
        startTime: '08:00',
        endTime: '08:30',
        slotMinutes: 30,
        capacity: 5,
      });
      const read = { query: `query($id: ID!) { session(id: $id) { remainingPlaces } }`, variables: { id: session.id } };
      const places = (a: Answer): number => (a.body.data!.session as { remainingPlaces: number }).remainingPlaces;
      const first = await post(front.url, read);
      const firstAt = Date.now();
      expect([places(first), first.headers.get('x-edge-cache')]).toEqual([5, 'miss']);
      expect(
        code(
          await post(
            upstream + '/graphql',
            { query: BOOK, variables: { input: { ...person(), doseKind: 'PRIMARY_1', slotId: session.slots[0]!.id } } },
            { 'x-forwarded-for': '192.0.2.60' },
          ),
        ),
      ).toBe('OK');
      // Past the fresh part of the lifetime (300 ms), within the lifetime (60 s).
      await until(() => Date.now() > firstAt + 350);
      const stale = await Promise.all(Array.from({ length: 5 }, () => post(front.url, read)));
      expect(stale.map((a) => [places(a), a.headers.get('x-edge-cache')])).toEqual(Array(5).fill([5, 'stale']));
      // One refresh for the five; readers after it see the booking without another call.
      let latest = stale[0]!;
      await until(async () => places((latest = await post(front.url, read))) === 4);
      expect(latest.headers.get('x-edge-cache')).toBe('hit');
      expect(gateway.posts).toBe(2);
    });

    test('signed-in answers, and anonymous ones about a person, are never kept or shared', async () => {
      const { gateway, front } = await cachingEdge();
      const token = await kit.token({ role: 'citizen', sub: 'citizen-edge-cache' });
      const query = `{ myAppointments { edges { node { id } } } }`;
      const mine = await Promise.all([1, 2, 3].map(() => post(front.url, { query }, { authorization: `Bearer ${token!}` })));
      expect(gateway.posts).toBe(3);
      for (const a of mine) {
        expect(a.status).toBe(200);
        expect(a.headers.get('x-edge-cache')).toBeNull();
        expect(a.headers.get('cache-control')).toBe('private, no-store');
      }
      // The same body without the token is not answered from the citizen's answer.
      const anonymous = await post(front.url, { query });
      expect(anonymous.headers.get('x-edge-cache')).toBe('miss');
      expect(gateway.posts).toBe(4);
      // An appointment found by slip code is personal although anonymous: asked every time, marked private.
      const bySlip = {
        query: `{ myAppointments(slipCode: "ZZZZZZ", birthDate: "1990-05-17", nik: "3374015705900001") { edges { node { id } } } }`,
      };
      const [a, b] = [await post(front.url, bySlip), await post(front.url, bySlip)];
      expect([a.headers.get('x-edge-cache'), b.headers.get('x-edge-cache')]).toEqual(['miss', 'miss']);
      expect(b.headers.get('cache-control')).not.toContain('public');
      expect(gateway.posts).toBe(6);
    });
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

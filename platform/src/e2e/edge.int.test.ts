import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env } from '@victori/shared';
import { BookingKit, inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { freePort } from '../platform.js';

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
    const running = await startEdge(loadEdgeConfig(new Env({ EDGE_PORT: '0', EDGE_UPSTREAM_URL: upstream, LOG_LEVEL: 'silent', ...env })));
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
  afterAll(async () => {
    for (const e of edges) await e.close();
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
    expect(metrics).toMatchObject({ admission: { read: { inFlight: 0, limit: 64 }, write: { limit: 256 } }, upstreamFailures: 0 });
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
});

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { createEnvelope, Env, UsableStockChanged } from '@victori/shared';
import { person, MIROTO, inDays } from '../../../services/booking/src/testing/kit.js';
import { freePort } from '../platform.js';
import { startTestPlatform, type TestPlatform } from '../testing.js';

/**
 * A subgraph that stops answering (as under SIGSTOP: connections are accepted, nothing comes back) while a
 * mixed load runs through the real edge and gateway. A proxy in front of inventory holds every request
 * while paused and forwards them when resumed.
 */
class HangingProxy {
  private server?: http.Server;
  private held: (() => void)[] = [];
  paused = false;
  target = '';
  port = 0;

  async start(): Promise<string> {
    this.port = await freePort();
    this.server = http.createServer((req, res) => {
      if (this.paused) this.held.push(() => this.forward(req, res));
      else this.forward(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    if (res.destroyed || req.destroyed) return;
    const upstream = http.request(new URL(req.url ?? '/', this.target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  async close(): Promise<void> {
    this.resume();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

interface Result {
  status: number;
  ms: number;
  codes: string[];
  serviceNames: string[];
  reasons: string[];
  data?: Record<string, unknown> | null;
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Result> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] };
  const errors = body.errors ?? [];
  return {
    status: res.status,
    ms: performance.now() - started,
    codes: errors.map((e) => String(e.extensions?.code)),
    serviceNames: errors.map((e) => String(e.extensions?.serviceName ?? '')),
    reasons: errors.map((e) => String(e.extensions?.reason ?? '')),
    data: body.data,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Touches booking and inventory (Facility.stock is inventory's).
const SICK = `{ facilities(type: PUSKESMAS) { edges { node { id name stock { usableDoses } } } } }`;
// Never touch inventory.
const BOOKING_ONLY = `{ facilities(type: PUSKESMAS) { edges { node { id name } } } }`;
const REPORTING_ONLY = `{ areas(level: KECAMATAN) { code name } }`;

const TIMEOUT_MS = 1000;
const OPEN_MS = 1000;
const HANG_MS = 5000;
const READ_BOUND = 16;

describe('fault: a subgraph that hangs', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  const proxy = new HangingProxy();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not JSON: not ours
        }
      }
      done();
    },
  });

  beforeAll(async () => {
    const inventoryUrl = await proxy.start();
    platform = await startTestPlatform('faults-subgraph', {
      background: false,
      logLevel: 'warn',
      logDestination: sink,
      serviceEnv: { BOOKING_RATE_PER_IP: '0', BOOKING_RATE_PER_NIK: '0' },
      gatewayEnv: {
        INVENTORY_URL: inventoryUrl,
        GATEWAY_SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
        GATEWAY_SUBGRAPH_MUTATION_TIMEOUT_MS: String(TIMEOUT_MS),
        GATEWAY_BREAKER_FAILURES: '3',
        GATEWAY_BREAKER_OPEN_MS: String(OPEN_MS),
        GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
        // The edge's class bound is under test: the gateway's own loop governor (for direct callers) would
        // shrink its read bound on a busy machine and refuse admitted reads with 503, whichever class they are.
        GATEWAY_READ_LOOP_TARGET_PERCENT: '0',
      },
    });
    proxy.target = platform.services.inventory.url;
    edge = await startEdge(
      loadEdgeConfig(
        new Env({
          EDGE_PUBLIC_CACHE_MS: '0',
          EDGE_PORT: '0',
          EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin,
          LOG_LEVEL: 'silent',
          EDGE_READ_MAX_CONCURRENT: String(READ_BOUND),
        }),
      ),
    );
  });
  afterAll(async () => {
    await edge?.close();
    await proxy.close();
    await platform?.close();
  });

  test('queries touching it answer within the timeout with partial data and SUBGRAPH_UNAVAILABLE naming it; reads not touching it are all served; the breaker recovers', async () => {
    const healthy = await post(edge.url, SICK);
    expect(healthy.codes).toEqual([]);
    expect(
      (healthy.data!.facilities as { edges: { node: { stock: unknown } }[] }).edges.map((e) => e.node).every((f) => Array.isArray(f.stock)),
    ).toBe(true);

    const slotId = await openSlot(platform);
    proxy.paused = true;
    const until = Date.now() + HANG_MS;
    const sick: Result[] = [];
    const other: Result[] = [];
    let n = 0;
    // Twenty clients on the sick class (more than the whole read bound), six on classes that do not touch it.
    const loop = async (query: string, into: Result[]): Promise<void> => {
      while (Date.now() < until) {
        const r = await post(edge.url, query, {}, { 'x-request-id': `fault-${++n}` });
        into.push(r);
        if (r.codes.includes('OVERLOADED')) await sleep(50);
      }
    };
    await Promise.all([
      ...Array.from({ length: 20 }, () => loop(SICK, sick)),
      ...Array.from({ length: 3 }, () => loop(BOOKING_ONLY, other)),
      ...Array.from({ length: 3 }, () => loop(REPORTING_ONLY, other)),
    ]);

    // A booking whose selection includes a field inventory serves: committed, reported as committed.
    const p = person();
    const booked = await post(
      edge.url,
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id status product { name } } }`,
      { input: { ...p, doseKind: 'PRIMARY_1', slotId } },
    );

    proxy.resume();
    const resumedAt = performance.now();
    let recoveredMs = Number.NaN;
    for (let i = 0; i < 100; i++) {
      const r = await post(edge.url, SICK);
      if (r.codes.length === 0) {
        recoveredMs = performance.now() - resumedAt;
        break;
      }
      await sleep(100);
    }

    const admittedSick = sick.filter((r) => !r.codes.includes('OVERLOADED'));
    const sickOverloaded = sick.length - admittedSick.length;
    const otherOverloaded = other.filter((r) => r.codes.includes('OVERLOADED')).length;
    const otherFailed = other.filter((r) => r.status !== 200 || r.codes.length > 0).length;
    const maxSickMs = Math.max(...admittedSick.map((r) => r.ms));
    const breakerOpen = admittedSick.filter((r) => r.reasons.includes('breaker-open')).length;
    const timedOut = admittedSick.filter((r) => r.reasons.includes('timeout')).length;
    const otherP99 = [...other.map((r) => r.ms)].sort((a, b) => a - b)[Math.floor(other.length * 0.99)] ?? 0;
    const logged = logs.filter(
      (l) => l.msg === 'subgraph unavailable' && l.serviceName === 'inventory' && String(l.requestId).startsWith('fault-'),
    ).length;
    console.log(
      `faults-subgraph: inventory hung ${HANG_MS} ms (timeout ${TIMEOUT_MS} ms, breaker 3 failures / ${OPEN_MS} ms); ` +
        `sick reads ${admittedSick.length} answered (max ${maxSickMs.toFixed(0)} ms, ${timedOut} timed out, ${breakerOpen} failed fast on the open breaker), ` +
        `${sickOverloaded} refused OVERLOADED (their class bound); other reads ${other.length} served, ${otherOverloaded} OVERLOADED, ${otherFailed} failed, p99 ${otherP99.toFixed(0)} ms; ` +
        `booking during the hang: ${booked.data?.bookAppointment ? 'committed and reported' : 'not reported'} (${booked.codes.join(',')}); ` +
        `recovered ${recoveredMs.toFixed(0)} ms after resume; ${logged} gateway log lines name inventory with the request id`,
    );

    expect(admittedSick.length).toBeGreaterThan(20);
    for (const r of admittedSick) {
      expect(r.status).toBe(200);
      expect(r.codes).toContain('SUBGRAPH_UNAVAILABLE');
      expect(r.serviceNames).toContain('inventory');
      const facilities = (r.data!.facilities as { edges: { node: { name: string; stock: unknown } }[] }).edges.map((e) => e.node);
      expect(facilities.length).toBeGreaterThan(5);
      expect(facilities.every((f) => f.name && f.stock === null)).toBe(true);
    }
    // Within the timeout, with slack for a busy two-core machine.
    expect(maxSickMs).toBeLessThan(TIMEOUT_MS + 1500);
    expect(timedOut).toBeGreaterThanOrEqual(3);
    expect(breakerOpen).toBeGreaterThan(timedOut);

    expect(other.length).toBeGreaterThan(30);
    expect(otherOverloaded).toBe(0);
    expect(otherFailed).toBe(0);

    expect(booked.status).toBe(200);
    expect(booked.data!.bookAppointment).toMatchObject({ status: 'BOOKED', product: null });
    expect(booked.codes).toEqual(['SUBGRAPH_UNAVAILABLE']);
    expect(booked.serviceNames).toEqual(['inventory']);
    const id = (booked.data!.bookAppointment as { id: string }).id;
    const rows = await platform.services.booking.runtime.orm.em.fork().execute('select id from appointment where id = ?', [id]);
    expect(rows).toHaveLength(1);

    expect(recoveredMs).toBeLessThan(OPEN_MS + TIMEOUT_MS + 3000);
    expect(logged).toBeGreaterThan(0);
  });
});

/** A session at Miroto with usable stock (what inventory would have published), and its first slot. */
async function openSlot(platform: TestPlatform): Promise<string> {
  const booking = platform.services.booking.runtime.events;
  await booking.transport.append([
    createEnvelope(UsableStockChanged, 'inventory', `${MIROTO}:PFIZER`, {
      facilityId: MIROTO,
      productCode: 'PFIZER',
      usableDoses: 100,
      at: new Date().toISOString(),
    }),
  ]);
  for (const c of booking.consumers) await c.drain();
  const token = await platform.token({ role: 'admin', sub: 'admin-1' });
  const res = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($input: CreateSessionInput!) { createSession(input: $input) { session { slots { id } } } }`,
      variables: {
        input: {
          facilityId: MIROTO,
          date: inDays(3),
          startTime: '08:00',
          endTime: '10:00',
          productCode: 'PFIZER',
          doseKinds: ['PRIMARY_1'],
          capacity: 40,
        },
      },
    }),
  });
  const body = (await res.json()) as { data?: { createSession: { session: { slots: { id: string }[] } } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.createSession.session.slots[0]!.id;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createEnvelope, guardClient, SERVICES, startEmbeddedPostgres, UsableStockChanged, type EmbeddedPg } from '@victori/shared';
import { inDays, MIROTO, person } from '../../../services/booking/src/testing/kit.js';
import { newSecrets } from '../local.js';
import { freePort, prepareDatabases, startInProcess, type DatabaseUrls, type InProcessPlatform } from '../platform.js';

/**
 * Database faults under a steady booking load: every backend of the services and the bus terminated,
 * a fast PostgreSQL restart, and PostgreSQL down for DOWN_MS. This file runs its own embedded cluster
 * (the one Jest's global setup starts is shared by every test file).
 */
const DOWN_MS = 30_000;
const RECOVERY_BOUND_MS = 10_000;

interface Outcome {
  at: number;
  ms: number;
  status: number;
  codes: string[];
  retryAfter: string | null;
  id?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = guardClient(new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 }), () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('fault: the database goes away and comes back', () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'victori-faults-pg-')), 'pg');
  let port: number;
  let server: EmbeddedPg;
  let urls: DatabaseUrls;
  let platform: InProcessPlatform;
  const prefix = 'faults_db';

  beforeAll(async () => {
    port = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port });
    urls = await prepareDatabases(server.adminUrl, prefix, true);
    platform = await startInProcess({
      databaseUrls: urls,
      secrets: newSecrets(),
      logLevel: 'silent',
      serviceEnv: { BOOKING_RATE_PER_IP: '0', BOOKING_RATE_PER_NIK: '0' },
      consumerOptions: { idleMs: 100 },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await server?.stop();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  test('terminated backends, a fast restart and PostgreSQL down: typed UNAVAILABLE with Retry-After, recovery by itself, no acknowledged booking lost, events keep flowing', async () => {
    // Every pooled connection carries the statement and idle-in-transaction timeouts.
    const [settings] = await platform.services.booking.runtime.orm.em
      .fork()
      .execute<{ statement: string; idle: string }[]>(
        `select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`,
      );
    expect(settings).toEqual({ statement: '15s', idle: '30s' });
    const slots = await openSlots(platform);
    const outcomes: Outcome[] = [];
    const t0 = performance.now();
    let running = true;
    const book = async (slotId: string): Promise<Outcome> => {
      const started = performance.now();
      try {
        const res = await fetch(platform.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`,
            variables: { input: { ...person(), doseKind: 'PRIMARY_1', slotId } },
          }),
          signal: AbortSignal.timeout(20_000),
        });
        const body = (await res.json()) as {
          data?: { bookAppointment?: { id: string } | null } | null;
          errors?: { extensions?: { code?: string } }[];
        };
        return {
          at: started - t0,
          ms: performance.now() - started,
          status: res.status,
          codes: (body.errors ?? []).map((e) => String(e.extensions?.code)),
          retryAfter: res.headers.get('retry-after'),
          id: body.data?.bookAppointment?.id,
        };
      } catch (error) {
        return { at: started - t0, ms: performance.now() - started, status: 0, codes: [(error as Error).name], retryAfter: null };
      }
    };
    const bookers = Array.from({ length: 3 }, async (_, b) => {
      for (let i = 0; running; i++) {
        const outcome = await book(slots[(b + i * 3) % slots.length]!);
        outcomes.push(outcome);
        await sleep(outcome.id ? 30 : 200);
      }
    });
    const firstOkAfter = async (from: number): Promise<number> => {
      for (let i = 0; i < 300; i++) {
        const ok = outcomes.find((o) => o.at >= from && o.id);
        if (ok) return ok.at + ok.ms - from;
        await sleep(100);
      }
      return Number.NaN;
    };
    const terminateAll = async (): Promise<number> => {
      const rows = await sql<{ n: string }>(
        server.adminUrl,
        `select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where datname like $1 and pid <> pg_backend_pid()`,
        [`${prefix}_%`],
      );
      return Number(rows[0]?.n ?? 0);
    };

    await sleep(1500);
    // 1. Every backend of the services and the bus, three times.
    const terminatedAt = performance.now() - t0;
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await terminateAll();
      await sleep(300);
    }
    const recoveredAfterTerminate = await firstOkAfter(terminatedAt + 900);
    await sleep(1000);

    // 2. A fast restart.
    const restartAt = performance.now() - t0;
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, port });
    const restartUpAt = performance.now() - t0;
    const recoveredAfterRestart = await firstOkAfter(restartUpAt);
    await sleep(1000);

    // 3. Down for DOWN_MS.
    const downAt = performance.now() - t0;
    await server.stop();
    const stoppedAt = performance.now() - t0;
    await sleep(DOWN_MS);
    const upAgainStarted = performance.now() - t0;
    server = await startEmbeddedPostgres({ dataDir, port });
    const upAt = performance.now() - t0;
    const recoveredAfterDown = await firstOkAfter(upAt);
    await sleep(2000);
    running = false;
    await Promise.all(bookers);

    const acknowledged = outcomes.filter((o) => o.id).map((o) => o.id!);
    const failures = outcomes.filter((o) => !o.id);
    const untyped = failures.filter((o) => o.status !== 503 || !o.codes.length || o.codes.some((c) => c !== 'UNAVAILABLE'));
    const withoutRetryAfter = failures.filter((o) => o.retryAfter === null).length;
    const during = outcomes.filter((o) => o.at > stoppedAt + 500 && o.at + o.ms < upAgainStarted);
    const duringMaxMs = Math.max(0, ...during.map((o) => o.ms));
    const http5xx = outcomes.filter((o) => o.status >= 500 && o.status !== 503).length;

    // Every acknowledged booking is in booking's database, and its event reached reporting's projection.
    const stored = await sql<{ n: string }>(urls.services.booking, `select count(*) as n from appointment where id = any($1::uuid[])`, [
      acknowledged,
    ]);
    let projected = 0;
    const eventsFrom = performance.now();
    for (let i = 0; i < 300 && projected < acknowledged.length; i++) {
      const rows = await sql<{ n: string }>(
        urls.services.reporting,
        `select count(*) as n from appointment_fact where appointment_id = any($1::uuid[])`,
        [acknowledged],
      );
      projected = Number(rows[0]?.n ?? 0);
      if (projected < acknowledged.length) await sleep(100);
    }
    const eventsCaughtUpMs = performance.now() - eventsFrom;
    const health = await Promise.all(
      [...SERVICES.map((s) => platform.services[s].url), platform.gatewayUrl].map(async (u) => (await fetch(new URL('/health', u))).status),
    );
    let readyAll = false;
    for (let i = 0; i < 100 && !readyAll; i++) {
      const ready = await Promise.all(SERVICES.map(async (s) => (await fetch(new URL('/ready', platform.services[s].url))).status));
      readyAll = ready.every((s) => s === 200);
      if (!readyAll) await sleep(100);
    }

    console.log(
      `faults-database: ${outcomes.length} booking attempts, ${acknowledged.length} acknowledged, ${Number(stored[0]?.n)} of them stored, ` +
        `${projected} projected by reporting (events caught up ${eventsCaughtUpMs.toFixed(0)} ms after the load); ` +
        `${failures.length} refused, ${untyped.length} not a typed 503 UNAVAILABLE, ${withoutRetryAfter} without Retry-After, ${http5xx} other 5xx; ` +
        `terminated ${terminated} backends (x3): first booking ${recoveredAfterTerminate.toFixed(0)} ms after; ` +
        `fast restart (${(restartUpAt - restartAt).toFixed(0)} ms): first booking ${recoveredAfterRestart.toFixed(0)} ms after it was up; ` +
        `down ${((upAgainStarted - downAt) / 1000).toFixed(1)} s: ${during.length} answers meanwhile (max ${duringMaxMs.toFixed(0)} ms), first booking ${recoveredAfterDown.toFixed(0)} ms after it was up; ` +
        `health ${health.join(',')}, ready ${readyAll}`,
    );

    expect(terminated).toBeGreaterThan(10);
    expect(acknowledged.length).toBeGreaterThan(50);
    expect(Number(stored[0]?.n)).toBe(acknowledged.length);
    expect(projected).toBe(acknowledged.length);
    expect(untyped).toEqual([]);
    expect(withoutRetryAfter).toBe(0);
    expect(http5xx).toBe(0);
    expect(during.length).toBeGreaterThan(20);
    for (const o of during) expect(o).toMatchObject({ status: 503, codes: ['UNAVAILABLE'] });
    expect(duringMaxMs).toBeLessThan(3000);
    expect(recoveredAfterTerminate).toBeLessThan(RECOVERY_BOUND_MS);
    expect(recoveredAfterRestart).toBeLessThan(RECOVERY_BOUND_MS);
    expect(recoveredAfterDown).toBeLessThan(RECOVERY_BOUND_MS);
    expect(health.every((s) => s === 200)).toBe(true);
    expect(readyAll).toBe(true);
  });
});

/** Sessions at Miroto with usable stock (what inventory would have published); their slots. */
async function openSlots(platform: InProcessPlatform): Promise<string[]> {
  const booking = platform.services.booking.runtime.events;
  await booking.transport.append([
    createEnvelope(UsableStockChanged, 'inventory', `${MIROTO}:PFIZER`, {
      facilityId: MIROTO,
      productCode: 'PFIZER',
      usableDoses: 100_000,
      at: new Date().toISOString(),
    }),
  ]);
  const token = await platform.token({ role: 'admin', sub: 'admin-1' });
  // The consumers run in the background; the stock reaches booking's projection shortly.
  for (let i = 0; i < 100; i++) {
    const rows = await platform.services.booking.runtime.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from event_inbox`);
    if (Number(rows[0]?.n) > 0) break;
    await sleep(50);
  }
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
          endTime: '16:00',
          productCode: 'PFIZER',
          doseKinds: ['PRIMARY_1'],
          capacity: 8000,
          slotMinutes: 30,
        },
      },
    }),
  });
  const body = (await res.json()) as { data?: { createSession: { session: { slots: { id: string }[] } } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.createSession.session.slots.map((s) => s.id);
}

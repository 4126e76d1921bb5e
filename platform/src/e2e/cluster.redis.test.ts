import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { durableName, SERVICES } from '@victori/shared';
import { testRedis } from '@victori/shared/testing';
import { startCluster, type RunningCluster } from '../cluster-platform.js';
import { runClusterStorm, setupClusterStorm, type ClusterStormSetup, type StormAttempt, type StormRun } from '../cluster-storm.js';
import { STORM_MUTATION } from '../bench/storm.js';
import { stormPerson } from '../bench/storm-people.js';
import { freePort } from '../platform.js';
import { DEFAULT_RESTART_POLICY } from '../supervisor.js';

/**
 * `npm run start:cluster` end to end (the `.redis.test.ts` suites: REDIS_URL, and NATS_URL for
 * JetStream): two replicas of every subgraph, two gateways and two edges behind the balancer, a booking
 * storm through it, and kill -9 of one booking replica, one gateway and one edge during the storm.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const natsUrl = process.env.NATS_URL;
const redisUrl = process.env.REDIS_URL;
const skipReason = !natsUrl || !redisUrl ? `cluster suite skipped: ${!natsUrl ? 'NATS_URL' : 'REDIS_URL'} is not set` : undefined;
if (skipReason) process.stdout.write(`${skipReason} (CI runs it with NATS_URL=nats://127.0.0.1:4222 npm run test:redis)\n`);

const SESSIONS = 2;
const PLACES_PER_SESSION = 80;
const ATTEMPTS = 240;

(skipReason ? describe.skip : describe)('the cluster: two of everything on JetStream and Redis, kill -9 during a storm', () => {
  const redis = testRedis('cluster', redisUrl);
  const stream = `VICTORI_TEST_CLUSTER_${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'victori-cluster-'));
  let cluster: RunningCluster;
  let setup: ClusterStormSetup;
  let run: StormRun;
  const kills: { name: string; pid: number; atMs: number }[] = [];
  let retried: StormAttempt[] = [];
  const db = async <T extends pg.QueryResultRow>(service: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: cluster.databaseUrls.services[service as 'booking'] });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    cluster = await startCluster({
      dataDir,
      pgPort: await freePort(),
      publicPort: 0,
      backends: { natsUrl: natsUrl!, redisUrl: redisUrl! },
      stream,
      redisPrefix: redis.prefix,
      // The storm comes from one loopback address: the per-address booking limit is off (per-NIK limits stay on).
      env: { NODE_ENV: 'test', LOG_LEVEL: 'error', BOOKING_RATE_PER_IP: '0' },
      serviceEnv: { immunization: { SATUSEHAT_DELIVERY: 'off', PCARE_DELIVERY: 'off' } },
      restart: { ...DEFAULT_RESTART_POLICY, startTimeoutMs: 120_000 },
      stdio: 'inherit',
      stopGraceMs: 5000,
    });
    setup = await setupClusterStorm(cluster.publicUrl, cluster.privateKey, { sessions: SESSIONS, placesPerSession: PLACES_PER_SESSION });
    // One booking replica, one gateway and one edge, after 15%, 30% and 45% of the attempts were answered.
    const victims = [
      { name: 'booking', pid: () => cluster.replicas[0]!.pids.booking },
      { name: 'gateway', pid: () => cluster.replicas[1]!.pids.gateway },
      { name: 'edge', pid: () => cluster.replicas[0]!.pids.edge ?? 0 },
    ];
    run = await runClusterStorm(cluster.publicUrl, {
      slotIds: setup.slotIds,
      attempts: ATTEMPTS,
      concurrency: 24,
      firstSerial: 1,
      onTick: (atMs, answered) => {
        const next = victims[kills.length];
        if (next && answered >= ATTEMPTS * 0.15 * (kills.length + 1)) {
          const pid = next.pid();
          process.kill(pid, 'SIGKILL');
          kills.push({ name: next.name, pid, atMs });
        }
      },
    });
    // What a citizen's app does with an attempt that got no answer or a 5xx: the same request, same key.
    const unanswered = run.attempts.filter((a) => a.status === 0 || a.status >= 500);
    retried = [];
    for (const a of unanswered) {
      const res = await fetch(cluster.publicUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': a.idempotencyKey },
        body: JSON.stringify({
          query: STORM_MUTATION,
          variables: {
            input: { ...stormPerson(a.serial), slotId: setup.slotIds[(a.serial - 1) % setup.slotIds.length], doseKind: 'PRIMARY_1' },
          },
        }),
      });
      const body = (await res.json()) as { data?: { bookAppointment?: { id: string } }; errors?: { extensions?: { code?: string } }[] };
      const id = body.data?.bookAppointment?.id;
      retried.push({ ...a, status: res.status, code: id ? 'OK' : String(body.errors?.[0]?.extensions?.code), appointmentId: id });
    }
    const codes: Record<string, number> = {};
    for (const a of run.attempts) codes[`${a.status} ${a.code}`] = (codes[`${a.status} ${a.code}`] ?? 0) + 1;
    process.stdout.write(
      `cluster storm: ${run.attempts.length} attempts in ${run.seconds.toFixed(1)} s, ${run.bookingsPerSecond.toFixed(1)} bookings/s; ` +
        `${JSON.stringify(codes)}; kills ${JSON.stringify(kills)}; retried ${JSON.stringify(retried.map((r) => r.code))}; ` +
        `balancer ${JSON.stringify(cluster.lb.stats().map((p) => ({ pool: p.name, retried: p.retried, gaveUp: p.gaveUp, slow: p.slow })))}; ` +
        `storm began ${new Date(Date.now() - run.seconds * 1000).toISOString()}\n`,
    );
  }, 400_000);

  afterAll(async () => {
    await cluster?.stop();
    const nc = await connect({ servers: natsUrl! });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => undefined);
    } finally {
      await nc.close();
    }
    await redis.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  test('every acknowledged booking is in the database, the places are sold exactly, none oversold', async () => {
    expect(kills.map((k) => k.name)).toEqual(['booking', 'gateway', 'edge']);
    // The kills happened during the storm.
    expect(Math.max(...kills.map((k) => k.atMs))).toBeLessThan(run.seconds * 1000);
    const acknowledged = [...run.attempts, ...retried].filter((a) => a.code === 'OK').map((a) => a.appointmentId!);
    const rows = await db<{ id: string; status: string }>('booking', `select id, status from appointment where id = any($1::uuid[])`, [
      acknowledged,
    ]);
    expect(rows.length).toBe(new Set(acknowledged).size);
    expect(rows.every((r) => r.status === 'BOOKED')).toBe(true);
    const [sold] = await db<{ booked: number; places: number; over: number; dupes: number }>(
      'booking',
      `select (select count(*)::int from appointment where session_id = any($1::uuid[]) and status = 'BOOKED') as booked,
              (select sum(capacity)::int from slot where session_id = any($1::uuid[])) as places,
              (select count(*)::int from slot sl where sl.session_id = any($1::uuid[]) and (sl.booked > sl.capacity
                 or (select count(*) from appointment a where a.slot_id = sl.id and a.status = 'BOOKED') > sl.capacity)) as over,
              (select count(*)::int from (select nik_hash from appointment where session_id = any($1::uuid[]) and status = 'BOOKED'
                 group by nik_hash having count(*) > 1) d) as dupes`,
      [setup.sessionIds],
    );
    expect(sold).toEqual({ booked: setup.places, places: setup.places, over: 0, dupes: 0 });
    // Every booked place was acknowledged to its citizen (during the storm or on the app's retry).
    expect(new Set(acknowledged).size).toBe(setup.places);
  });

  test('no 5xx except requests in flight at a kill; every answer is typed; the retry with the same key is answered', () => {
    const failed = run.attempts.filter((a) => a.status === 0 || a.status >= 500);
    const inFlightAtAKill = (a: StormAttempt): boolean => kills.some((k) => a.sentAt <= k.atMs && k.atMs <= a.answeredAt);
    expect(failed.filter((a) => !inFlightAtAKill(a))).toEqual([]);
    const answered = run.attempts.filter((a) => a.status > 0 && a.status < 500);
    expect(answered.every((a) => a.status === 200 && ['OK', 'SESSION_FULL'].includes(a.code))).toBe(true);
    expect(retried.every((a) => a.status === 200 && ['OK', 'SESSION_FULL'].includes(a.code))).toBe(true);
  });

  test("each event's effect happens once per service, the stream holds each event once, no dead letters", async () => {
    const booked = await db<{ event_id: string; aggregate_id: string }>(
      'booking',
      `select event_id, aggregate_id from outbox where type = 'appointment.booked' and payload->>'sessionId' = any($1::text[])`,
      [setup.sessionIds],
    );
    expect(booked.length).toBe(setup.places);
    const ids = booked.map((b) => b.event_id);
    const appointmentIds = booked.map((b) => b.aggregate_id);
    const inbox = async (service: string, consumer: string): Promise<number> =>
      (
        await db<{ n: number }>(service, `select count(*)::int as n from event_inbox where consumer = $1 and event_id = any($2::uuid[])`, [
          consumer,
          ids,
        ])
      )[0]!.n;
    await until('both consumers of appointment.booked', async () => {
      return (
        (await inbox('reporting', 'reporting.operations')) === ids.length &&
        (await inbox('immunization', 'immunization.appointments')) === ids.length
      );
    });
    const [facts] = await db<{ n: number }>(
      'reporting',
      `select count(*)::int as n from appointment_fact where appointment_id = any($1::uuid[])`,
      [appointmentIds],
    );
    const [copies] = await db<{ n: number }>(
      'immunization',
      `select count(*)::int as n from facility_appointment where id = any($1::uuid[])`,
      [appointmentIds],
    );
    expect({ facts: facts!.n, copies: copies!.n }).toEqual({ facts: setup.places, copies: setup.places });

    // Every outbox row of every service is published, and the stream holds each event exactly once per type.
    const outbox: Record<string, number> = {};
    const consumers = new Set<string>();
    await until('every outbox published', async () => {
      for (const s of SERVICES) {
        const [row] = await db<{ n: number }>(s, `select count(*)::int as n from outbox where published_at is null`);
        if (row!.n > 0) return false;
      }
      return true;
    });
    for (const s of SERVICES) {
      for (const r of await db<{ type: string; n: number }>(s, `select type, count(*)::int as n from outbox group by type`))
        outbox[r.type] = (outbox[r.type] ?? 0) + r.n;
      for (const r of await db<{ name: string }>(s, `select name from event_consumer`)) consumers.add(durableName(r.name));
      const [dead] = await db<{ n: number }>(s, `select count(*)::int as n from event_dead_letter`);
      expect({ service: s, deadLetters: dead!.n }).toEqual({ service: s, deadLetters: 0 });
    }
    const nc = await connect({ servers: natsUrl! });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(stream, { subjects_filter: '>' });
      const perType: Record<string, number> = {};
      for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
        const type = subject.split('.').slice(2).join('.');
        perType[type] = (perType[type] ?? 0) + n;
      }
      expect(perType).toEqual(outbox);
      // One durable consumer per service consumer, shared by its two replicas.
      const durables: string[] = [];
      for await (const c of jsm.consumers.list(stream)) durables.push(c.name);
      expect(durables.sort()).toEqual([...consumers].sort());
    } finally {
      await nc.close();
    }
  }, 120_000);

  test('the killed processes are restarted by their supervisors and serve again', async () => {
    await until('three restarts', async () => cluster.replicas.reduce((n, r) => n + r.supervisor.restarts.length, 0) >= 3, 120_000);
    const restarted = cluster.replicas.flatMap((r) => r.supervisor.restarts.map((x) => x.name)).sort();
    process.stdout.write(`restarts: ${JSON.stringify(cluster.replicas.map((r) => r.supervisor.restarts))}\n`);
    expect(restarted).toEqual(['booking', 'edge', 'gateway']);
    for (const k of kills) {
      const replica = k.name === 'gateway' ? cluster.replicas[1]! : cluster.replicas[0]!;
      const pid = replica.pids[k.name as 'booking'];
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(k.pid);
    }
    const pool = (name: string) => cluster.lb.stats().find((p) => p.name === name)!;
    const killedUpstream = (name: string) => pool(name).upstreams[name === 'gateway' ? 1 : 0]!;
    await until('the balancer sees them up', async () => ['booking', 'gateway', 'edge'].every((n) => killedUpstream(n).up), 30_000);
    const before = Object.fromEntries(['booking', 'gateway', 'edge'].map((n) => [n, killedUpstream(n).answered]));
    // More citizens try the full sessions: each answer travels edge, gateway and booking, round-robin.
    const after = await runClusterStorm(cluster.publicUrl, { slotIds: setup.slotIds, attempts: 24, concurrency: 4, firstSerial: 10_000 });
    expect(after.attempts.map((a) => `${a.status} ${a.code}`)).toEqual(Array(24).fill('200 SESSION_FULL'));
    for (const n of ['booking', 'gateway', 'edge']) expect(killedUpstream(n).answered).toBeGreaterThan(before[n]!);
  }, 180_000);

  test('npm run start:cluster refuses to start without NATS_URL and REDIS_URL, and says why', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VICTORI_DATA_DIR: dataDir };
    delete env.NATS_URL;
    delete env.REDIS_URL;
    const result = spawnSync(process.execPath, [path.join(root, 'platform/dist/cluster.js')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('NATS_URL and REDIS_URL are not set');
    expect(result.stderr).toContain('npm start');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeyPair, readPem, signToken } from '@victori/gateway';
import { gql } from '@victori/shared/testing';
import { SERVICES, type ServiceName } from '@victori/shared';
import { launchPlatform, type LaunchedPlatform } from '../launch.js';
import { newSecrets, REPO_ROOT } from '../local.js';
import { freePort, JWT_AUDIENCE, JWT_ISSUER, prepareDatabases } from '../platform.js';
import { benchCluster } from './bench-db.js';
import { runEventsBench, type EventsBenchResult } from './events.bench.js';
import type { LoadResult, LoadSpec } from './load.js';
import {
  anonymousSubgraphHeaders,
  peakRssMiB,
  runLoadProcess,
  startHiveGateway,
  startOurGateway,
  supergraphFor,
  type Proc,
} from './processes.js';
import { median } from './stats.js';
import { runStormCeiling, setupStorm, STORM_MUTATION, verifyStorm, type StormCheck } from './storm.js';

export const AVAILABILITY_TWO_SUBGRAPHS = `query Availability($f: SessionFilter) {
  sessions(filter: $f, first: 20) {
    edges { node { id date startTime endTime remainingPlaces doseKinds
      facility { name address stock { usableDoses product { code } } }
      product { name manufacturer } } }
  }
}`;

export const AVAILABILITY_ONE_SUBGRAPH = `query Availability($f: SessionFilter) {
  sessions(filter: $f, first: 20) {
    edges { node { id date startTime endTime remainingPlaces doseKinds facility { name address } } }
  }
}`;

const FANOUT = (n: number): string => `{
  sessions(first: ${n}) {
    edges { node { id date remainingPlaces facility { name area { name parent { name } } stock { usableDoses } } product { name } } }
  }
}`;

interface Comparison {
  name: string;
  ours: LoadResult[];
  peer: LoadResult[];
  ratio: number;
  target: number;
}

export interface BenchReport {
  startedAt: string;
  machine: { cores: number; node: string; platform: string };
  seconds: number;
  storm?: {
    gateway: LoadResult;
    ceiling: { bookingsPerSecond: number; attemptsPerSecond: number; confirmed: number };
    check: StormCheck;
    ratio: number;
    bookingsPerSecond: number;
  };
  publicRead?: { vsHive: Comparison; vsDirect: Comparison; vsDirectNoDedupe: Comparison; cached: LoadResult; cachedVsUncached: number };
  fanout?: { rows: { results: number; sqlPerRequest: number; p50: number; p99: number }[]; constantSql: boolean; latencyGrowth: number };
  overload?: {
    capacity: number;
    uncontended: LoadResult;
    offered: number;
    result: LoadResult;
    withoutAdmission?: LoadResult;
    checks: Record<string, boolean>;
    peakRssMiB: Record<string, number | null>;
  };
  events?: { sustained: EventsBenchResult; burst: EventsBenchResult };
}

/** Sessions over the next weeks at every facility (the fan-out list needs 500 of them). */
async function createManySessions(gatewayUrl: string, adminToken: string, count: number): Promise<void> {
  const { facilities } = (
    await gql<{ facilities: { id: string; type: string }[] }>(gatewayUrl, `{ facilities { id type } }`, {}, { token: adminToken })
  ).data!;
  const places = facilities.filter((f) => f.type !== 'CITY_STORE');
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const day = new Date(Date.now() + (2 + Math.floor(i / places.length)) * 86_400_000).toISOString().slice(0, 10);
        const res = await gql(
          gatewayUrl,
          `mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`,
          {
            i: {
              facilityId: places[i % places.length]!.id,
              date: day,
              startTime: '08:00',
              endTime: '12:00',
              productCode: 'ASTRAZENECA',
              doseKinds: ['BOOSTER_1'],
              capacity: 100,
            },
          },
          { token: adminToken },
        );
        if (res.errors) throw new Error(`createSession failed: ${JSON.stringify(res.errors)}`);
      }
    }),
  );
}

/** The gateway's read admission bound used in this run (GATEWAY_READ_MAX_CONCURRENT). */
const READ_BOUND = 64;

const post = (query: string, variables: Record<string, unknown> = {}): string => JSON.stringify({ query, variables });

async function alternate(
  name: string,
  target: number,
  rounds: number,
  ours: () => Promise<LoadResult>,
  peer: () => Promise<LoadResult>,
): Promise<Comparison> {
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first, so warm-up and drift do not favour one side.
    if (i % 2 === 0) {
      a.push(await ours());
      b.push(await peer());
    } else {
      b.push(await peer());
      a.push(await ours());
    }
  }
  const ratio = median(a.map((r) => r.okThroughput)) / median(b.map((r) => r.okThroughput));
  return { name, ours: a, peer: b, ratio, target };
}

async function sqlStatements(platform: LaunchedPlatform): Promise<number> {
  let total = 0;
  for (const name of SERVICES) {
    const metrics = (await (await fetch(new URL('/metrics', platform.serviceUrls[name]))).json()) as { sqlStatements?: number };
    total += metrics.sqlStatements ?? 0;
  }
  return total;
}

function table(rows: (string | number)[][]): string {
  const [head, ...body] = rows;
  return [`| ${head!.join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
const outcomes = (r: LoadResult): string =>
  Object.entries(r.outcomes)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function loadRow(name: string, r: LoadResult): (string | number)[] {
  return [name, f0(r.throughput), f1(r.latency.p50), f1(r.latency.p95), f1(r.latency.p99), outcomes(r), r.timeouts, r.status['500'] ?? 0];
}

export function markdown(report: BenchReport): string {
  const out: string[] = [
    `# Benchmark ${report.startedAt}`,
    '',
    `Machine: ${report.machine.cores} cores, Node ${report.machine.node}, ${report.machine.platform}; suite took ${f0(report.seconds)} s.`,
    '',
  ];
  const head = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'outcomes', 'timeouts', 'HTTP 500'];
  const rows: (string | number)[][] = [head];
  if (report.storm) rows.push(loadRow('storm: bookings through the gateway', report.storm.gateway));
  if (report.publicRead) {
    rows.push(loadRow('public read, 2 subgraphs, ours (uncached)', report.publicRead.vsHive.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, Hive Gateway', report.publicRead.vsHive.peer.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, ours', report.publicRead.vsDirect.ours.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, direct to booking', report.publicRead.vsDirect.peer.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, ours without dedupe', report.publicRead.vsDirectNoDedupe.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, ours (cached)', report.publicRead.cached));
  }
  if (report.overload) {
    rows.push(loadRow('overload: uncontended', report.overload.uncontended));
    rows.push(loadRow(`overload: offered ${f0(report.overload.offered)}/s (3× capacity)`, report.overload.result));
    if (report.overload.withoutAdmission) rows.push(loadRow('overload without admission control', report.overload.withoutAdmission));
  }
  out.push(table(rows), '');
  const ratios: (string | number)[][] = [['comparison', 'ratio', 'target', 'met']];
  if (report.storm)
    ratios.push([
      'storm bookings/s ÷ PostgreSQL ceiling (same SQL, same concurrency)',
      f2(report.storm.ratio),
      '≥ 0.2',
      report.storm.ratio >= 0.2 ? 'yes' : 'no',
    ]);
  if (report.publicRead) {
    const p = report.publicRead;
    ratios.push([
      'ours ÷ Hive Gateway, 2-subgraph availability, uncached',
      f2(p.vsHive.ratio),
      '≥ 1.0',
      p.vsHive.ratio >= 1 ? 'yes' : 'no',
    ]);
    ratios.push(['ours ÷ direct subgraph, 1-subgraph availability', f2(p.vsDirect.ratio), '≥ 0.5', p.vsDirect.ratio >= 0.5 ? 'yes' : 'no']);
    ratios.push([
      'ours without in-flight dedupe ÷ direct subgraph',
      f2(p.vsDirectNoDedupe.ratio),
      '≥ 0.5',
      p.vsDirectNoDedupe.ratio >= 0.5 ? 'yes' : 'no',
    ]);
    ratios.push(['ours cached ÷ ours uncached', f2(p.cachedVsUncached), 'report', '']);
  }
  if (report.fanout) {
    const [small, large] = report.fanout.rows;
    ratios.push([
      `fan-out SQL/request, ${small!.results} vs ${large!.results} results`,
      `${f1(small!.sqlPerRequest)} vs ${f1(large!.sqlPerRequest)}`,
      'equal',
      report.fanout.constantSql ? 'yes' : 'no',
    ]);
    ratios.push([
      `fan-out p50 growth ${small!.results}→${large!.results} results`,
      f2(report.fanout.latencyGrowth),
      `≤ ${large!.results / small!.results} (linear)`,
      report.fanout.latencyGrowth <= large!.results / small!.results ? 'yes' : 'no',
    ]);
  }
  if (report.events) {
    ratios.push([
      'events/s sustained (offered 5,000/s)',
      f0(report.events.sustained.eventsPerSecond),
      '≥ 5,000',
      report.events.sustained.eventsPerSecond >= 4900 ? 'yes' : 'no',
    ]);
    ratios.push([
      'event lag p99 at 5,000/s (ms)',
      f0(report.events.sustained.lagMs.p99),
      '< 1000',
      report.events.sustained.lagMs.p99 < 1000 ? 'yes' : 'no',
    ]);
    ratios.push(['events/s unthrottled', f0(report.events.burst.eventsPerSecond), 'report', '']);
  }
  out.push(table(ratios), '');
  if (report.storm) {
    const c = report.storm.check;
    out.push(
      '## Storm correctness',
      '',
      table([
        ['check', 'value'],
        ['confirmed', c.confirmed],
        ['places', c.places],
        ['overbooked slots', c.overbookedSlots],
        ['people with two live appointments for one dose', c.duplicatePeople],
        ['HTTP 5xx', c.http5xx],
        ['timeouts', c.timeouts],
        ['untyped refusals', c.untyped],
        ['queue numbers gap-free and unique per session', c.queueNumbersOk ? 'yes' : 'no'],
      ]),
      '',
    );
  }
  if (report.overload) {
    out.push(
      '## Overload checks',
      '',
      table([['check', 'met'], ...Object.entries(report.overload.checks).map(([k, v]) => [k, v ? 'yes' : 'no'])]),
      '',
    );
    out.push(
      'Peak RSS per process (MiB): ' +
        Object.entries(report.overload.peakRssMiB)
          .map(([k, v]) => `${k} ${v ?? '–'}`)
          .join(', '),
      '',
    );
  }
  return out.join('\n');
}

/**
 * `npm run bench`: starts the platform in production mode on an embedded PostgreSQL, drives load
 * from separate processes (autocannon) and writes bench/results/<timestamp>.json and .md.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' } } });
  const only = new Set((values.only ?? 'storm,public-read,fanout,overload,events').split(','));
  const quick = values.quick ?? false;
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
    seconds: 0,
  };
  const work = mkdtempSync(path.join(tmpdir(), 'victori-bench-'));
  const cluster = await benchCluster();
  const procs: Proc[] = [];
  let platform: LaunchedPlatform | undefined;
  try {
    if (only.has('events')) {
      process.stderr.write('events: sustained 5,000/s and unthrottled\n');
      report.events = {
        sustained: await runEventsBench({ events: quick ? 15_000 : 40_000, rate: 5000 }),
        burst: await runEventsBench({ events: quick ? 15_000 : 40_000, rate: null }),
      };
    }
    const needsPlatform = ['storm', 'public-read', 'fanout', 'overload'].some((s) => only.has(s));
    if (needsPlatform) {
      process.stderr.write('preparing databases\n');
      const urls = await prepareDatabases(cluster.adminUrl, 'bench', true);
      const secrets = newSecrets();
      const keys = await ensureDevKeyPair(path.join(work, 'keys'));
      const privateKey = readPem(keys.privateKeyFile);
      const ports = {
        gateway: await freePort(),
        booking: await freePort(),
        inventory: await freePort(),
        immunization: await freePort(),
        reporting: await freePort(),
      } as Record<ServiceName | 'gateway', number>;
      const gatewayBase = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        GATEWAY_SECRET: secrets.gatewaySecret,
        JWT_PUBLIC_KEY: readPem(keys.publicKeyFile),
      };
      platform = await launchPlatform({
        host: '127.0.0.1',
        ports,
        databaseUrls: urls,
        gatewaySecret: secrets.gatewaySecret,
        piiKey: secrets.piiKey,
        jwtPublicKey: readPem(keys.publicKeyFile),
        // The storm comes from one loopback address standing in for a city of citizens: the per-address
        // booking limit is off here (per-NIK limits stay on; every storm NIK books once).
        env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', SQL_COUNT: 'true', BOOKING_DB_POOL: '20', BOOKING_RATE_PER_IP: '0' },
        gatewayEnv: { GATEWAY_PUBLIC_CACHE_MS: '0', GATEWAY_READ_MAX_CONCURRENT: String(READ_BOUND) },
        stdio: 'inherit',
      });
      const subgraphEnv = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, platform!.serviceUrls[s]]));
      const admin = await signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'admin', sub: 'bench-admin' });

      if (only.has('storm')) {
        process.stderr.write('storm: setting up 10 sessions x 500 places (and 10 more for the ceiling)\n');
        const storm = await setupStorm(platform.gatewayUrl, admin);
        process.stderr.write('storm: 20,000 attempts, 1,000 connections, through the gateway\n');
        const gatewayRun = await runLoadProcess(
          {
            url: platform.gatewayUrl,
            connections: 1000,
            amount: quick ? 8000 : 20_000,
            timeoutSec: 30,
            storm: { slotIds: storm.gatewaySlots, doseKind: storm.doseKind, firstSerial: 1, mutation: STORM_MUTATION },
          },
          work,
        );
        const check = await verifyStorm(urls.services.booking, storm.gatewaySessions, gatewayRun);
        process.stderr.write('storm: the same SQL directly at PostgreSQL (ceiling)\n');
        const ceiling = await runStormCeiling(urls.services.booking, storm, quick ? 8000 : 20_000, 1000, 20, secrets.piiKey);
        const bookingsPerSecond = gatewayRun.throughput;
        report.storm = { gateway: gatewayRun, ceiling, check, bookingsPerSecond, ratio: bookingsPerSecond / ceiling.attemptsPerSecond };
      }

      if (only.has('public-read') || only.has('overload') || only.has('fanout')) {
        const cachedPort = await freePort();
        procs.push(
          await startOurGateway('gateway-cached', cachedPort, { ...gatewayBase, ...subgraphEnv, GATEWAY_PUBLIC_CACHE_MS: '2000' }),
        );
        const plainPort = await freePort();
        procs.push(
          await startOurGateway('gateway-no-dedupe', plainPort, {
            ...gatewayBase,
            ...subgraphEnv,
            GATEWAY_PUBLIC_CACHE_MS: '0',
            GATEWAY_DEDUPE: 'false',
          }),
        );
        const hivePort = await freePort();
        const supergraph = supergraphFor(platform.serviceUrls, path.join(work, 'supergraph.graphql'));
        procs.push(await startHiveGateway(work, hivePort, supergraph, secrets.gatewaySecret));
        const seconds = quick ? 3 : 6;
        const load = (url: string, body: string, extra: Partial<LoadSpec> = {}): Promise<LoadResult> =>
          runLoadProcess({ url, connections: 50, duration: seconds, body, ...extra }, work);
        const twoBody = post(AVAILABILITY_TWO_SUBGRAPHS, { f: { hasPlaces: true } });
        const oneBody = post(AVAILABILITY_ONE_SUBGRAPH, { f: { hasPlaces: true } });
        // Warm both gateways' query plans and connections.
        await load(platform.gatewayUrl, twoBody, { duration: 1 });
        await load(`http://127.0.0.1:${hivePort}/graphql`, twoBody, { duration: 1 });

        if (only.has('public-read')) {
          process.stderr.write('public read: ours vs Hive Gateway, ours vs direct subgraph, cached\n');
          const vsHive = await alternate(
            'ours ÷ Hive Gateway',
            1,
            quick ? 2 : 3,
            () => load(platform!.gatewayUrl, twoBody),
            () => load(`http://127.0.0.1:${hivePort}/graphql`, twoBody),
          );
          const vsDirect = await alternate(
            'ours ÷ direct subgraph',
            0.5,
            quick ? 2 : 3,
            () => load(platform!.gatewayUrl, oneBody),
            () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
          );
          // Without sharing identical in-flight subgraph requests: the plain cost of the gateway hop.
          const vsDirectNoDedupe = await alternate(
            'ours without dedupe ÷ direct subgraph',
            0.5,
            quick ? 2 : 3,
            () => load(`http://127.0.0.1:${plainPort}/graphql`, oneBody),
            () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
          );
          const cached = await load(`http://127.0.0.1:${cachedPort}/graphql`, twoBody);
          report.publicRead = {
            vsHive,
            vsDirect,
            vsDirectNoDedupe,
            cached,
            cachedVsUncached: cached.okThroughput / median(vsHive.ours.map((r) => r.okThroughput)),
          };
        }

        if (only.has('fanout')) {
          process.stderr.write('fan-out: creating 500 sessions, then 10 and 500 results\n');
          await createManySessions(platform.gatewayUrl, admin, 500);
          const rows: NonNullable<BenchReport['fanout']>['rows'] = [];
          for (const n of [10, 500]) {
            const check = await gql<{ sessions: { edges: unknown[] } }>(platform.gatewayUrl, FANOUT(n));
            if (check.errors) throw new Error(`fan-out query failed: ${JSON.stringify(check.errors)}`);
            const results = check.data!.sessions.edges.length;
            const requests = 30;
            const before = await sqlStatements(platform);
            const latencies: number[] = [];
            for (let i = 0; i < requests; i++) {
              const t = performance.now();
              await gql(platform.gatewayUrl, FANOUT(n));
              latencies.push(performance.now() - t);
            }
            const sql = (await sqlStatements(platform)) - before;
            latencies.sort((x, y) => x - y);
            rows.push({ results, sqlPerRequest: sql / requests, p50: latencies[Math.floor(requests / 2)]!, p99: latencies[requests - 1]! });
          }
          report.fanout = {
            rows,
            // Background work (maintenance timers) can add a statement now and then: compare per-request counts rounded.
            constantSql: Math.round(rows[0]!.sqlPerRequest) === Math.round(rows[1]!.sqlPerRequest),
            latencyGrowth: rows[1]!.p50 / rows[0]!.p50,
          };
        }

        if (only.has('overload')) {
          process.stderr.write('overload: capacity at the admission bound (uncontended), then 3x capacity\n');
          // Uncontended: as many clients as the gateway admits at once, so nothing waits at the gate; its
          // throughput is the capacity for this query.
          const uncontended = await load(platform.gatewayUrl, oneBody, { connections: READ_BOUND });
          const capacity = uncontended.okThroughput;
          const offered = Math.round(capacity * 3);
          const result = await load(platform.gatewayUrl, oneBody, { connections: 4 * READ_BOUND, overallRate: offered, timeoutSec: 10 });
          const refused = result.outcomes.OVERLOADED ?? 0;
          const alive = await Promise.all(
            [platform.gatewayUrl, ...Object.values(platform.serviceUrls)].map(async (u) => (await fetch(new URL('/health', u))).ok),
          );
          // Before/after: the same offered load at a gateway without admission control.
          const unboundedPort = await freePort();
          const unbounded = await startOurGateway('gateway-unbounded', unboundedPort, {
            ...gatewayBase,
            ...subgraphEnv,
            GATEWAY_PUBLIC_CACHE_MS: '0',
            GATEWAY_READ_MAX_CONCURRENT: '100000',
          });
          procs.push(unbounded);
          const withoutAdmission = await load(`http://127.0.0.1:${unboundedPort}/graphql`, oneBody, {
            connections: 4 * READ_BOUND,
            overallRate: offered,
            timeoutSec: 10,
          });
          report.overload = {
            capacity,
            uncontended,
            offered,
            result,
            withoutAdmission,
            checks: {
              'excess refused with OVERLOADED': refused > 0,
              'refusals answered in under 50 ms (p99)': refused > 0 && result.refusedLatency.p99 < 50,
              'every refusal has Retry-After': result.retryAfterMissing === 0,
              'admitted p99 within 2x uncontended p99': result.admittedLatency.p99 <= 2 * uncontended.latency.p99,
              'no HTTP 500, no timeouts': (result.status['500'] ?? 0) === 0 && result.timeouts === 0,
              'no process crashed': alive.every(Boolean),
            },
            peakRssMiB: Object.fromEntries(Object.entries(platform.pids).map(([k, pid]) => [k, peakRssMiB(pid)])),
          };
        }
      }
    }
  } finally {
    for (const p of procs) await p.stop();
    await platform?.stop();
    await cluster.close();
    rmSync(work, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(report, null, 2));
  const md = markdown(report);
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  writeFileSync(path.join(dir, 'latest.md'), md);
  process.stdout.write(`${md}\n\nWritten to bench/results/${stamp}.{json,md}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeyPair, readPem, signToken } from '@victori/gateway';
import { gql } from '@victori/shared/testing';
import { SERVICES, type ServiceName } from '@victori/shared';
import { launchPlatform, workerPids, type LaunchedPlatform } from '../launch.js';
import { newSecrets, REPO_ROOT } from '../local.js';
import { freePort, JWT_AUDIENCE, JWT_ISSUER, prepareDatabases } from '../platform.js';
import { benchCluster } from './bench-db.js';
import { runEventsBench, type EventsBenchResult } from './events.bench.js';
import type { LoadResult, LoadSpec } from './load.js';
import {
  anonymousSubgraphHeaders,
  peakRssMiB,
  runLoadProcess,
  startFloorServer,
  cpuSeconds,
  machineCpu,
  startBookingInstance,
  startHiveGateway,
  startOurGateway,
  supergraphFor,
  type Proc,
} from './processes.js';
import { median } from './stats.js';
import { runRateLimitBench, type AbuseRound, type RateLimitResult } from './rate-limit.bench.js';
import {
  runStormCeiling,
  setupStorm,
  STORM_MUTATION,
  verifyStorm,
  type CeilingResult,
  type CeilingVariant,
  type StormCheck,
} from './storm.js';

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

/** The edge serves /metrics in production only to a bearer of this token. */
const METRICS_TOKEN = createHash('sha256')
  .update(String(process.pid) + String(Date.now()))
  .digest('hex');
const FANOUT = (n: number): string => `{
  sessions(first: ${n}) {
    edges { node { id date remainingPlaces facility { name area { name parent { name } } stock { usableDoses } } product { name } } }
  }
}`;

/** CPU used during one run: the server process, the load process, and the whole machine's busy share. */
interface RunCpu {
  serverSeconds: number;
  loadSeconds: number;
  /** Busy share of all cores during the run (0..1). */
  machineBusy: number;
}

/**
 * One overload round: capacity at the admission bound through the public port (closed loop), then 3x that
 * rate as a paced open loop at ours (the edge in front of the gateway), at the gateway alone (admission in
 * the gateway's own loop, with its loop governor), at the gateway alone without the governor, and at the
 * floor server.
 */
interface OverloadRound {
  uncontended: LoadResult;
  offered: number;
  result: LoadResult;
  /** Mean time admitted reads waited in the admission queue (the edge's /metrics). */
  meanQueueWaitMs: number;
  gatewayAlone: LoadResult;
  gatewayAloneMeanQueueWaitMs: number;
  /** Ours with the gateway and subgraphs at the default niceness (absent where that needs privileges). */
  edgeNoPriority?: LoadResult;
  edgeNoPriorityMeanQueueWaitMs?: number;
  floor: LoadResult;
  cpu: Record<'ours' | 'gatewayAlone' | 'floor', RunCpu> & { edgeNoPriority?: RunCpu };
}

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
    /** Median of the atomic runs at the booking service's pool size. */
    ceiling: { bookingsPerSecond: number; attemptsPerSecond: number; confirmed: number };
    check: StormCheck;
    ratio: number;
    bookingsPerSecond: number;
    /** Every run at PostgreSQL, in the order run (each on fresh sessions of the same size). */
    ceilingRuns: CeilingResult[];
    /** One atomic statement vs naive read-then-write, same pool, same concurrency. */
    naive: { attemptsPerSecond: number; soldRatio: number; atomicAttemptsPerSecond: number; atomicSoldRatio: number; ratio: number };
    /** Atomic ceiling attempts/s per pool size (median per size). */
    pools: { poolSize: number; attemptsPerSecond: number; runs: number }[];
  };
  publicRead?: {
    vsHive: Comparison;
    /** The whole public path (edge in front of the gateway) ÷ Hive Gateway alone. */
    publicPathVsHive: Comparison;
    vsDirect: Comparison;
    vsDirectNoDedupe: Comparison;
    cached: LoadResult;
    cachedVsUncached: number;
    /** Ours with keep-alive subgraph connections ÷ ours with a new connection per subgraph request. */
    keepAlive: Comparison;
    /** Availability by APQ hash ÷ as a full query (POST both); GET by hash for the record. */
    apq: Comparison;
    apqGet: LoadResult;
    apqBytes: { fullQuery: number; hash: number; getUrl: number };
    /** cache-control on a GET by hash at a gateway with the public cache on. */
    apqGetCacheControl: string | null;
  };
  rateLimit?: RateLimitResult;
  fanout?: { rows: { results: number; sqlPerRequest: number; p50: number; p99: number }[]; constantSql: boolean; latencyGrowth: number };
  overload?: {
    capacity: number;
    /** The last round's runs (the rounds hold all; the checks use medians over rounds). */
    uncontended: LoadResult;
    offered: number;
    result: LoadResult;
    withoutAdmission?: LoadResult;
    rounds: OverloadRound[];
    uncontendedP99: number;
    admittedP99: number;
    refusedP99: number;
    /** The floor server's refusal p99 at the same offered rate (median over rounds). */
    floorRefusedP99: number;
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
          `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }`,
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

/**
 * Waits until every service has relayed its outbox and every consumer has caught up, so the next
 * scenario does not share the cores with the previous one's event backlog.
 */
async function settle(platform: LaunchedPlatform, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    let pending = 0;
    for (const name of SERVICES) {
      const m = (await (await fetch(new URL('/metrics.json', platform.serviceUrls[name]))).json()) as {
        events?: { outboxBacklog?: number; consumers?: { lag: number }[] };
      };
      pending += (m.events?.outboxBacklog ?? 0) + (m.events?.consumers ?? []).reduce((a, c) => a + c.lag, 0);
    }
    if (pending === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) {
      process.stderr.write(`events: backlog not drained after ${timeoutMs / 1000} s (${pending} pending); going on\n`);
      return (Date.now() - started) / 1000;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function sqlStatements(platform: LaunchedPlatform): Promise<number> {
  let total = 0;
  for (const name of SERVICES) {
    const metrics = (await (await fetch(new URL('/metrics.json', platform.serviceUrls[name]))).json()) as { sqlStatements?: number };
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

const medianOk = (runs: LoadResult[]): number => median(runs.map((r) => r.okThroughput));
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');

/** Before/after of each mechanism, from this run's side-by-side measurements. */
export function whatMakesItFast(report: BenchReport): string[][] {
  const rows: string[][] = [['mechanism', 'before', 'after', 'ratio']];
  const o = report.overload;
  if (o?.withoutAdmission) {
    rows.push([
      'admission control (reads at 3× capacity; before: a gateway without it)',
      `without: p99 ${f0(o.withoutAdmission.latency.p99)} ms, ${f0(o.withoutAdmission.okThroughput)} OK/s`,
      `admitted p99 ${f0(o.admittedP99)} ms (${f2(o.admittedP99 / o.uncontendedP99)}× uncontended), ${f0(median(o.rounds.map((r) => r.result.okThroughput)))} OK/s; refusals p99 ${f0(o.refusedP99)} ms`,
      `${times(o.withoutAdmission.latency.p99 / o.admittedP99)} lower p99`,
    ]);
    const alone = (f: (r: LoadResult) => number): number => median(o.rounds.map((r) => f(r.gatewayAlone)));
    const ours = (f: (r: LoadResult) => number): number => median(o.rounds.map((r) => f(r.result)));
    const summary = (f: (g: (r: LoadResult) => number) => number): string =>
      `refusals p50/p99 ${f0(f((r) => r.refusedLatency.p50))}/${f0(f((r) => r.refusedLatency.p99))} ms, admitted p99 ${f0(f((r) => r.admittedLatency.p99))} ms, ${f0(f((r) => r.okThroughput))} OK/s`;
    rows.push([
      'the edge: admission in a process of its own, in front of the gateway (same offered rate)',
      `gateway alone: ${summary(alone)}`,
      `edge: ${summary(ours)}`,
      `${times(alone((r) => r.refusedLatency.p99) / o.refusedP99)} lower refusal p99, ${times(ours((r) => r.okThroughput) / alone((r) => r.okThroughput))} the OK/s`,
    ]);
    if (o.rounds.every((r) => r.edgeNoPriority)) {
      const np = (f: (r: LoadResult) => number): number => median(o.rounds.map((r) => f(r.edgeNoPriority!)));
      rows.push([
        'gateway and subgraphs at niceness 5 (the edge, the load and PostgreSQL get the CPU first)',
        `at the default niceness: ${summary(np)}`,
        `at 5: ${summary(ours)}`,
        `${times(np((r) => r.refusedLatency.p99) / o.refusedP99)} lower refusal p99, ${times(np((r) => r.admittedLatency.p99) / o.admittedP99)} lower admitted p99`,
      ]);
    }
  }
  const p = report.publicRead;
  if (p) {
    const uncached = medianOk(p.vsHive.ours);
    rows.push([
      'short-lived public response cache (2 s)',
      `${f0(uncached)} OK/s uncached`,
      `${f0(p.cached.okThroughput)} OK/s`,
      times(p.cachedVsUncached),
    ]);
    const noDedupe = medianOk(p.vsDirectNoDedupe.ours);
    const dedupe = medianOk(p.vsDirect.ours);
    rows.push([
      'shared identical in-flight subgraph queries (booking-only query)',
      `${f0(noDedupe)} OK/s without`,
      `${f0(dedupe)} OK/s`,
      times(dedupe / noDedupe),
    ]);
    rows.push([
      'keep-alive connections to subgraphs (2-subgraph query)',
      `${f0(medianOk(p.keepAlive.peer))} OK/s, new connection per request`,
      `${f0(medianOk(p.keepAlive.ours))} OK/s`,
      times(p.keepAlive.ratio),
    ]);
    rows.push([
      'automatic persisted queries (2-subgraph query)',
      `full query: ${p.apqBytes.fullQuery} B body, ${f0(medianOk(p.apq.peer))} OK/s`,
      `hash: ${p.apqBytes.hash} B body, ${f0(medianOk(p.apq.ours))} OK/s; GET ${p.apqBytes.getUrl} B URL${p.apqGetCacheControl ? `, \`cache-control: ${p.apqGetCacheControl}\`` : ''}`,
      `${times(p.apqBytes.fullQuery / p.apqBytes.hash)} fewer bytes, ${times(p.apq.ratio)} OK/s`,
    ]);
  }
  const st = report.storm;
  if (st) {
    rows.push([
      'one atomic statement per booking decision (at PostgreSQL)',
      `naive read-then-write: ${f0(st.naive.attemptsPerSecond)} attempts/s, sold ${f2(st.naive.soldRatio)}× the places`,
      `${f0(st.naive.atomicAttemptsPerSecond)} attempts/s, sold ${f2(st.naive.atomicSoldRatio)}× (0 oversold)`,
      `${times(st.naive.ratio)} attempts/s`,
    ]);
    const byPool = new Map(st.pools.map((x) => [x.poolSize, x.attemptsPerSecond]));
    const chosen = byPool.get(20) ?? NaN;
    const others = st.pools.filter((x) => x.poolSize !== 20);
    rows.push([
      'booking connection pool of 20 (at PostgreSQL, 1,000 clients)',
      others.map((x) => `pool ${x.poolSize}: ${f0(x.attemptsPerSecond)}/s`).join(', '),
      `pool 20: ${f0(chosen)} attempts/s`,
      others.map((x) => `${times(chosen / x.attemptsPerSecond)} vs ${x.poolSize}`).join(', '),
    ]);
  }
  const rl = report.rateLimit;
  if (rl) {
    const m = (rounds: AbuseRound[], f: (r: AbuseRound) => number): number => median(rounds.map(f));
    const withoutP99 = m(rl.unlimited, (r) => r.others.latency.p99);
    const withP99 = m(rl.limited, (r) => r.others.latency.p99);
    rows.push([
      'per-NIK rate limit on booking (one NIK hammering)',
      `without: ${f2(m(rl.unlimited, (r) => r.sqlPerAbusiveRequest))} SQL per abusive request, answered ${f0(m(rl.unlimited, (r) => r.abuser.throughput))}/s at p99 ${f0(m(rl.unlimited, (r) => r.abuser.latency.p99))} ms; with others booking: ${f0(m(rl.unlimited, (r) => r.sqlPerSecondDuringOthers))} SQL/s, others ${f0(m(rl.unlimited, (r) => r.others.okThroughput))} OK/s, p50/p99 ${f0(m(rl.unlimited, (r) => r.others.latency.p50))}/${f0(withoutP99)} ms`,
      `${f2(m(rl.limited, (r) => r.sqlPerAbusiveRequest))} SQL per abusive request, refused ${f0(m(rl.limited, (r) => (r.abuser.outcomes.RATE_LIMITED ?? 0) / r.abuser.seconds))}/s (RATE_LIMITED) at p99 ${f0(m(rl.limited, (r) => r.abuser.latency.p99))} ms; with others booking: ${f0(m(rl.limited, (r) => r.sqlPerSecondDuringOthers))} SQL/s, others ${f0(m(rl.limited, (r) => r.others.okThroughput))} OK/s, p50/p99 ${f0(m(rl.limited, (r) => r.others.latency.p50))}/${f0(withP99)} ms`,
      `${times(m(rl.unlimited, (r) => r.sqlPerAbusiveRequest) / m(rl.limited, (r) => r.sqlPerAbusiveRequest))} less SQL per abusive request; others p99 ${times(withoutP99 / withP99)}`,
    ]);
  }
  return rows;
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
  if (report.storm) rows.push(loadRow('storm: bookings through the public port (edge, gateway)', report.storm.gateway));
  if (report.publicRead) {
    rows.push(loadRow('public read, 2 subgraphs, ours (uncached)', report.publicRead.vsHive.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, Hive Gateway', report.publicRead.vsHive.peer.at(-1)!));
    if (report.publicRead.publicPathVsHive)
      rows.push(loadRow('public read, 2 subgraphs, public path (edge + gateway)', report.publicRead.publicPathVsHive.ours.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, ours', report.publicRead.vsDirect.ours.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, direct to booking', report.publicRead.vsDirect.peer.at(-1)!));
    rows.push(loadRow('public read, 1 subgraph, ours without dedupe', report.publicRead.vsDirectNoDedupe.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, ours (cached)', report.publicRead.cached));
    rows.push(loadRow('public read, 2 subgraphs, ours (keep-alive to subgraphs)', report.publicRead.keepAlive.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, ours (new connection per subgraph request)', report.publicRead.keepAlive.peer.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, APQ hash (POST)', report.publicRead.apq.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, full query (POST)', report.publicRead.apq.peer.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, APQ hash (GET)', report.publicRead.apqGet));
  }
  if (report.overload) {
    const lastRound = report.overload.rounds.at(-1)!;
    rows.push(loadRow('overload: uncontended (closed loop at the admission bound)', report.overload.uncontended));
    rows.push(
      loadRow(
        `overload: paced ${f0(report.overload.offered)}/s (3× capacity), ours (edge in front of the gateway)`,
        report.overload.result,
      ),
    );
    rows.push(loadRow('overload: same rate, gateway alone (loop governor)', lastRound.gatewayAlone));
    if (lastRound.edgeNoPriority)
      rows.push(loadRow('overload: same rate, ours with the gateway and subgraphs at default niceness', lastRound.edgeNoPriority));
    rows.push(loadRow('overload: same rate, floor server (bare node:http, refuses everything)', lastRound.floor));
    if (report.overload.withoutAdmission) rows.push(loadRow('overload without admission control', report.overload.withoutAdmission));
  }
  out.push(table(rows), '');
  const ratios: (string | number)[][] = [['comparison', 'ratio', 'target', 'met']];
  /** A ratio with a lower bound to meet. */
  const atLeast = (name: string, ratio: number, target: number, shown = target.toFixed(1)): void => {
    ratios.push([name, f2(ratio), `≥ ${shown}`, ratio >= target ? 'yes' : 'no']);
  };
  if (report.storm) atLeast('storm bookings/s ÷ PostgreSQL ceiling (same SQL, same concurrency)', report.storm.ratio, 0.2);
  if (report.publicRead) {
    const p = report.publicRead;
    atLeast('ours ÷ Hive Gateway, 2-subgraph availability, uncached', p.vsHive.ratio, 1);
    if (p.publicPathVsHive) atLeast('public path (edge + gateway) ÷ Hive Gateway alone, same query, uncached', p.publicPathVsHive.ratio, 1);
    atLeast('ours ÷ direct subgraph, 1-subgraph availability', p.vsDirect.ratio, 0.5);
    atLeast('ours without in-flight dedupe ÷ direct subgraph', p.vsDirectNoDedupe.ratio, 0.5);
    ratios.push(['ours cached ÷ ours uncached', f2(p.cachedVsUncached), 'report', '']);
    ratios.push(['keep-alive ÷ new connection per subgraph request, 2-subgraph availability', f2(p.keepAlive.ratio), 'report', '']);
    ratios.push([
      `APQ hash ÷ full query (request body ${p.apqBytes.hash} vs ${p.apqBytes.fullQuery} bytes)`,
      f2(p.apq.ratio),
      'report',
      '',
    ]);
  }
  if (report.storm) {
    const n = report.storm.naive;
    ratios.push(['one atomic statement ÷ naive read-then-write, attempts/s at PostgreSQL', f2(n.ratio), 'report', '']);
    ratios.push([
      'places sold ÷ places, one atomic statement vs naive',
      `${f2(n.atomicSoldRatio)} vs ${f2(n.soldRatio)}`,
      'atomic 1.00',
      n.atomicSoldRatio === 1 ? 'yes' : 'no',
    ]);
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
        ['HTTP 5xx other than 503 OVERLOADED', c.http5xx],
        [
          '503 OVERLOADED with Retry-After (typed: waited out the edge booking queue deadline, EDGE_WRITE_QUEUE_TIMEOUT_MS)',
          report.storm.gateway.status['503'] ?? 0,
        ],
        ['timeouts', c.timeouts],
        ['untyped refusals', c.untyped],
        ['queue numbers gap-free and unique per session', c.queueNumbersOk ? 'yes' : 'no'],
      ]),
      '',
    );
  }
  if (report.storm) {
    const st = report.storm;
    out.push(
      '## Storm at PostgreSQL',
      '',
      `Each run: ${st.ceilingRuns[0]?.attempts ?? 0} attempts from 1,000 concurrent clients against a fresh set of 10 sessions × 500 places, in the order run.`,
      '',
      table([
        ['variant', 'pool', 'attempts/s', 'seconds', 'confirmed', 'places', 'sold ÷ places', 'overbooked slots', 'errors'],
        ...st.ceilingRuns.map((r) => [
          r.variant === 'atomic' ? 'one atomic statement' : 'naive read-then-write',
          r.poolSize,
          f0(r.attemptsPerSecond),
          f1(r.seconds),
          r.confirmed,
          r.places,
          f2(r.soldRatio),
          r.overbookedSlots,
          r.errors,
        ]),
      ]),
      '',
      'Pool size (atomic statement, median per size): ' + st.pools.map((p) => `${p.poolSize}: ${f0(p.attemptsPerSecond)}/s`).join(', '),
      '',
    );
  }
  if (report.rateLimit) {
    const rl = report.rateLimit;
    const rowsOf = (label: string, rounds: AbuseRound[]): (string | number)[][] =>
      rounds.map((r, i) => [
        `${label} (round ${i + 1})`,
        f0(r.abuser.throughput),
        outcomes(r.abuser),
        f1(r.abuser.latency.p99),
        f2(r.sqlPerAbusiveRequest),
        f0(r.others.okThroughput),
        f1(r.others.latency.p50),
        f1(r.others.latency.p99),
        f0(r.abuserDuringOthers.throughput),
        f0(r.sqlPerSecondDuringOthers),
      ]);
    out.push(
      '## Per-NIK rate limit on booking',
      '',
      `One abusive client books with one NIK over ${rl.abuserConnections} connections, alone as fast as it can, then at ${rl.abuserRate}/s while normal clients book with distinct NIKs at ${rl.othersRate}/s; through a gateway to booking with the per-NIK limit (10/min) and to a second booking instance on the same database without it. The per-address limit is off on both (every client here is one loopback address).`,
      '',
      table([
        [
          'booking',
          'abuser alone req/s',
          'abuser outcomes',
          'abuser p99 ms',
          'SQL per abusive request',
          'others OK/s',
          'others p50 ms',
          'others p99 ms',
          'abuser req/s meanwhile',
          'booking SQL/s meanwhile',
        ],
        ...rowsOf('with per-NIK limit', rl.limited),
        ...rowsOf('without', rl.unlimited),
      ]),
      '',
    );
  }
  const fast = whatMakesItFast(report);
  if (fast.length > 1) out.push('## What makes it fast', '', table(fast), '');
  if (report.overload) {
    out.push(
      '## Overload checks',
      '',
      table([['check', 'met'], ...Object.entries(report.overload.checks).map(([k, v]) => [k, v ? 'yes' : 'no'])]),
      '',
    );
    const o = report.overload;
    const cpuCell = (c: RunCpu, run: LoadResult): string =>
      `${f0((c.serverSeconds / Math.max(1, run.requests)) * 1e6)} / ${f0((c.loadSeconds / Math.max(1, run.requests)) * 1e6)} µs, ${f0(c.machineBusy * 100)}%`;
    out.push(
      `Checks use medians over ${o.rounds.length} round(s): uncontended p99 ${f1(o.uncontendedP99)} ms, admitted p99 ${f1(o.admittedP99)} ms ` +
        `(${f2(o.admittedP99 / o.uncontendedP99)}×), refusals p99 ${f1(o.refusedP99)} ms; the floor server refused at p99 ${f1(o.floorRefusedP99)} ms at the same rate.`,
      '',
      'The offered load is paced (an open loop: requests at evenly spaced instants whatever the answers, latency counted from each ' +
        "request's due instant). CPU is the server's and the load process's CPU per request, and the whole machine's busy share during the run.",
      '',
      table([
        [
          'round',
          'capacity OK/s',
          'uncontended p99',
          'offered/s',
          'variant',
          'admitted OK/s',
          'admitted p50',
          'admitted p99',
          'refusals p50',
          'refusals p99',
          'refused',
          'mean queue wait of admitted ms',
          'CPU server / load per request, machine busy',
        ],
        ...o.rounds.flatMap((r, i) =>
          (
            [
              ['ours (edge in front of the gateway)', r.result, r.meanQueueWaitMs, r.cpu.ours],
              ['gateway alone (loop governor)', r.gatewayAlone, r.gatewayAloneMeanQueueWaitMs, r.cpu.gatewayAlone],
              ['ours, gateway and subgraphs at default niceness', r.edgeNoPriority, r.edgeNoPriorityMeanQueueWaitMs, r.cpu.edgeNoPriority],
              ['floor server', r.floor, NaN, r.cpu.floor],
            ] as [string, LoadResult | undefined, number, RunCpu | undefined][]
          )
            .filter((row): row is [string, LoadResult, number, RunCpu] => row[1] !== undefined)
            .map(([variant, run, wait, cpu], j) => [
              j === 0 ? i + 1 : '',
              j === 0 ? f0(r.uncontended.okThroughput) : '',
              j === 0 ? f1(r.uncontended.latency.p99) : '',
              j === 0 ? f0(r.offered) : '',
              variant,
              f0(run.okThroughput),
              f1(run.admittedLatency.p50),
              f1(run.admittedLatency.p99),
              f1(run.refusedLatency.p50),
              f1(run.refusedLatency.p99),
              run.outcomes.OVERLOADED ?? 0,
              Number.isFinite(wait) ? f2(wait) : '',
              cpuCell(cpu, run),
            ]),
        ),
      ]),
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
/** A progress line on stderr with the seconds since the suite started (where the 10-minute budget goes). */
const suiteStarted = Date.now();
function progress(line: string): void {
  process.stderr.write(`[${((Date.now() - suiteStarted) / 1000).toFixed(0).padStart(3)} s] ${line}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' } } });
  const only = new Set((values.only ?? 'storm,ratelimit,public-read,fanout,overload,events').split(','));
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
      progress('events: sustained 5,000/s and unthrottled\n');
      report.events = {
        sustained: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: 5000 }),
        burst: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: null }),
      };
    }
    const needsPlatform = ['storm', 'ratelimit', 'public-read', 'fanout', 'overload'].some((s) => only.has(s));
    if (needsPlatform) {
      progress('preparing databases\n');
      const urls = await prepareDatabases(cluster.adminUrl, 'bench', true);
      const secrets = newSecrets();
      const keys = await ensureDevKeyPair(path.join(work, 'keys'));
      const privateKey = readPem(keys.privateKeyFile);
      const ports = {
        edge: await freePort(),
        gateway: await freePort(),
        booking: await freePort(),
        inventory: await freePort(),
        immunization: await freePort(),
        reporting: await freePort(),
        identity: await freePort(),
        feedback: await freePort(),
      } as Record<ServiceName | 'gateway' | 'edge', number>;
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
        jwtPrivateKey: privateKey,
        // Production refuses the SMS outbox; the benchmark sends no codes (discard port).
        serviceEnv: { identity: { IDENTITY_SMS_URL: 'http://127.0.0.1:9/sms' } },
        // The storm comes from one loopback address standing in for a city of citizens: the per-address
        // booking limit is off here (per-NIK limits stay on; every storm NIK books once).
        env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', SQL_COUNT: 'true', BOOKING_DB_POOL: '20', BOOKING_RATE_PER_IP: '0' },
        gatewayEnv: { GATEWAY_PUBLIC_CACHE_MS: '0', GATEWAY_READ_MAX_CONCURRENT: String(READ_BOUND) },
        edgeEnv: { EDGE_READ_MAX_CONCURRENT: String(READ_BOUND), EDGE_METRICS_TOKEN: METRICS_TOKEN },
        stdio: 'inherit',
      });
      const subgraphEnv = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, platform!.serviceUrls[s]]));
      const admin = await signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'admin', sub: 'bench-admin' });

      if (only.has('storm')) {
        const attempts = quick ? 8000 : 20_000;
        // Runs straight at PostgreSQL, each on a fresh set of sessions of the same size; the naive variant
        // runs between atomic ones so warm-up and table growth favour neither.
        const plan: { variant: CeilingVariant; poolSize: number }[] = [
          { variant: 'atomic', poolSize: 20 },
          { variant: 'naive', poolSize: 20 },
          { variant: 'atomic', poolSize: 5 },
          { variant: 'atomic', poolSize: 50 },
        ];
        progress(`storm: setting up 10 sessions x 500 places (and ${plan.length} x 10 more for the runs at PostgreSQL)\n`);
        const storm = await setupStorm(platform.gatewayUrl, admin, plan.length, attempts);
        progress(`storm: ${attempts} attempts, 1,000 connections, through the public port (edge, gateway)\n`);
        const gatewayRun = await runLoadProcess(
          {
            url: platform.publicUrl,
            connections: 1000,
            amount: attempts,
            timeoutSec: 30,
            storm: { slotIds: storm.gatewaySlots, doseKind: storm.doseKind, firstSerial: 1, mutation: STORM_MUTATION },
          },
          work,
        );
        const check = await verifyStorm(urls.services.booking, storm.gatewaySessions, gatewayRun);
        const ceilingRuns: CeilingResult[] = [];
        for (const [i, run] of plan.entries()) {
          progress(`storm: at PostgreSQL, ${run.variant}, pool ${run.poolSize} (${i + 1}/${plan.length})\n`);
          ceilingRuns.push(
            await runStormCeiling(
              urls.services.booking,
              storm,
              {
                set: storm.ceilingSets[i]!,
                attempts,
                concurrency: 1000,
                poolSize: run.poolSize,
                variant: run.variant,
                firstSerial: 50_000 + i * attempts,
              },
              secrets.piiKey,
            ),
          );
        }
        const runsOf = (variant: CeilingVariant, poolSize: number) =>
          ceilingRuns.filter((r) => r.variant === variant && r.poolSize === poolSize);
        const atomic = runsOf('atomic', 20);
        const naive = runsOf('naive', 20);
        const ceiling = {
          attemptsPerSecond: median(atomic.map((r) => r.attemptsPerSecond)),
          bookingsPerSecond: median(atomic.map((r) => r.bookingsPerSecond)),
          confirmed: Math.max(...atomic.map((r) => r.confirmed)),
        };
        const bookingsPerSecond = gatewayRun.throughput;
        report.storm = {
          gateway: gatewayRun,
          ceiling,
          check,
          bookingsPerSecond,
          ratio: bookingsPerSecond / ceiling.attemptsPerSecond,
          ceilingRuns,
          naive: {
            attemptsPerSecond: median(naive.map((r) => r.attemptsPerSecond)),
            soldRatio: Math.max(...naive.map((r) => r.soldRatio)),
            atomicAttemptsPerSecond: ceiling.attemptsPerSecond,
            atomicSoldRatio: Math.max(...atomic.map((r) => r.soldRatio)),
            ratio: ceiling.attemptsPerSecond / median(naive.map((r) => r.attemptsPerSecond)),
          },
          pools: [...new Set(plan.filter((r) => r.variant === 'atomic').map((r) => r.poolSize))]
            .sort((a, b) => a - b)
            .map((poolSize) => {
              const runs = runsOf('atomic', poolSize);
              return { poolSize, attemptsPerSecond: median(runs.map((r) => r.attemptsPerSecond)), runs: runs.length };
            }),
        };
      }

      if (only.has('ratelimit')) {
        progress(`events: backlog drained in ${f0(await settle(platform))} s\n`);
        progress('rate limit: one abusive NIK vs normal bookers, booking with and without the per-NIK limit\n');
        // The same booking service and database without the per-NIK limit, behind its own gateway.
        const unlimitedBookingPort = await freePort();
        procs.push(
          await startBookingInstance('booking-unlimited', unlimitedBookingPort, {
            HOST: '127.0.0.1',
            NODE_ENV: 'production',
            LOG_LEVEL: 'warn',
            SQL_COUNT: 'true',
            GATEWAY_URL: platform.gatewayUrl,
            GATEWAY_SECRET: secrets.gatewaySecret,
            PII_KEY: secrets.piiKey,
            BOOKING_DATABASE_URL: urls.services.booking,
            BUS_DATABASE_URL: urls.bus,
            BOOKING_DB_POOL: '20',
            BOOKING_RATE_PER_IP: '0',
            BOOKING_RATE_PER_NIK: '0',
          }),
        );
        const unlimitedBookingUrl = `http://127.0.0.1:${unlimitedBookingPort}/graphql`;
        const unlimitedGatewayPort = await freePort();
        procs.push(
          await startOurGateway('gateway-unlimited-booking', unlimitedGatewayPort, {
            ...gatewayBase,
            ...subgraphEnv,
            GATEWAY_PUBLIC_CACHE_MS: '0',
            BOOKING_URL: unlimitedBookingUrl,
          }),
        );
        report.rateLimit = await runRateLimitBench(
          platform.gatewayUrl,
          admin,
          { gatewayUrl: platform.gatewayUrl, bookingUrl: platform.serviceUrls.booking },
          { gatewayUrl: `http://127.0.0.1:${unlimitedGatewayPort}/graphql`, bookingUrl: unlimitedBookingUrl },
          work,
          { rounds: quick ? 1 : 2, seconds: quick ? 2 : 3, firstSerial: 400_000 },
        );
      }

      if (only.has('public-read') || only.has('overload') || only.has('fanout')) {
        progress(`events: backlog drained in ${f0(await settle(platform))} s\n`);
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
        const noKeepAlivePort = await freePort();
        if (only.has('public-read')) {
          procs.push(
            await startOurGateway('gateway-no-keepalive', noKeepAlivePort, {
              ...gatewayBase,
              ...subgraphEnv,
              GATEWAY_PUBLIC_CACHE_MS: '0',
              GATEWAY_SUBGRAPH_KEEPALIVE: 'false',
            }),
          );
        }
        const hivePort = await freePort();
        const supergraph = supergraphFor(platform.serviceUrls, path.join(work, 'supergraph.graphql'));
        procs.push(await startHiveGateway(work, hivePort, supergraph, secrets.gatewaySecret));
        const seconds = 3;
        const load = (url: string, body: string | undefined, extra: Partial<LoadSpec> = {}): Promise<LoadResult> =>
          runLoadProcess({ url, connections: 50, duration: seconds, ...(body === undefined ? {} : { body }), ...extra }, work);
        const twoBody = post(AVAILABILITY_TWO_SUBGRAPHS, { f: { hasPlaces: true } });
        const oneBody = post(AVAILABILITY_ONE_SUBGRAPH, { f: { hasPlaces: true } });
        // Warm both gateways' query plans and connections.
        await load(platform.gatewayUrl, twoBody, { duration: 1 });
        await load(platform.publicUrl, twoBody, { duration: 1 });
        await load(`http://127.0.0.1:${hivePort}/graphql`, twoBody, { duration: 1 });

        if (only.has('public-read')) {
          progress('public read: ours vs Hive Gateway, ours vs direct subgraph, cached\n');
          const vsHive = await alternate(
            'ours ÷ Hive Gateway',
            1,
            quick ? 2 : 3,
            () => load(platform!.gatewayUrl, twoBody),
            () => load(`http://127.0.0.1:${hivePort}/graphql`, twoBody),
          );
          // The whole public path (edge, then gateway) against Hive Gateway alone.
          const publicPathVsHive = await alternate(
            'public path (edge + gateway) ÷ Hive Gateway',
            1,
            2,
            () => load(platform!.publicUrl, twoBody),
            () => load(`http://127.0.0.1:${hivePort}/graphql`, twoBody),
          );
          const vsDirect = await alternate(
            'ours ÷ direct subgraph',
            0.5,
            2,
            () => load(platform!.gatewayUrl, oneBody),
            () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
          );
          // Without sharing identical in-flight subgraph requests: the plain cost of the gateway hop.
          const vsDirectNoDedupe = await alternate(
            'ours without dedupe ÷ direct subgraph',
            0.5,
            2,
            () => load(`http://127.0.0.1:${plainPort}/graphql`, oneBody),
            () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
          );
          const cached = await load(`http://127.0.0.1:${cachedPort}/graphql`, twoBody);
          progress('public read: keep-alive vs a new subgraph connection per request; APQ hash vs full query\n');
          const noKeepAliveUrl = `http://127.0.0.1:${noKeepAlivePort}/graphql`;
          await load(noKeepAliveUrl, twoBody, { duration: 1 });
          const keepAlive = await alternate(
            'ours ÷ ours without keep-alive to subgraphs',
            1,
            1,
            () => load(platform!.gatewayUrl, twoBody),
            () => load(noKeepAliveUrl, twoBody),
          );
          // Automatic persisted queries (Apollo Server's APQ, on by default): register once, then send the hash.
          const variables = { f: { hasPlaces: true } };
          const extensions = {
            persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(AVAILABILITY_TWO_SUBGRAPHS).digest('hex') },
          };
          const apqBody = JSON.stringify({ variables, extensions });
          const getPath = `?variables=${encodeURIComponent(JSON.stringify(variables))}&extensions=${encodeURIComponent(JSON.stringify(extensions))}`;
          for (const url of [platform.gatewayUrl, `http://127.0.0.1:${cachedPort}/graphql`]) {
            const registered = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: AVAILABILITY_TWO_SUBGRAPHS, variables, extensions }),
            });
            if (!registered.ok) throw new Error(`APQ registration failed: ${registered.status}`);
          }
          const byHash = await fetch(`http://127.0.0.1:${cachedPort}/graphql${getPath}`, {
            headers: { 'apollo-require-preflight': 'true' },
          });
          const byHashBody = (await byHash.json()) as { data?: unknown; errors?: unknown[] };
          if (!byHashBody.data || byHashBody.errors) throw new Error(`APQ GET failed: ${JSON.stringify(byHashBody.errors)}`);
          const apq = await alternate(
            'APQ hash ÷ full query',
            1,
            1,
            () => load(platform!.gatewayUrl, apqBody),
            () => load(platform!.gatewayUrl, twoBody),
          );
          const apqGet = await load(`${platform.gatewayUrl}${getPath}`, undefined, {
            method: 'GET',
            headers: { 'apollo-require-preflight': 'true' },
          });
          report.publicRead = {
            vsHive,
            publicPathVsHive,
            vsDirect,
            vsDirectNoDedupe,
            cached,
            cachedVsUncached: cached.okThroughput / median(vsHive.ours.map((r) => r.okThroughput)),
            keepAlive,
            apq,
            apqGet,
            apqBytes: {
              fullQuery: Buffer.byteLength(twoBody),
              hash: Buffer.byteLength(apqBody),
              getUrl: Buffer.byteLength(`/graphql${getPath}`),
            },
            apqGetCacheControl: byHash.headers.get('cache-control'),
          };
        }

        if (only.has('fanout')) {
          progress('fan-out: creating 500 sessions, then 10 and 500 results\n');
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
          progress(
            'overload: capacity at the admission bound (uncontended), then 3x capacity paced: ours (edge), gateway alone, ours with the workers at default niceness, floor server\n',
          );
          // The platform lowers its gateway and subgraphs (favourEdge); one variant puts them back at the
          // default niceness for its run. Going back up needs privileges: without them the variant is skipped.
          const workers = workerPids(platform.pids);
          const niceWorkers = (nice: number): boolean => {
            try {
              for (const pid of workers) os.setPriority(pid, nice);
              return true;
            } catch {
              return false;
            }
          };
          const canRestorePriority = niceWorkers(0) && niceWorkers(5);
          const floorPort = await freePort();
          const floorServer = await startFloorServer(floorPort);
          procs.push(floorServer);
          const targets = {
            // The edge's CPU and the gateway's behind it.
            ours: { url: platform.publicUrl, pids: [platform.pids.edge!, platform.pids.gateway] },
            gatewayAlone: { url: platform.gatewayUrl, pids: [platform.pids.gateway] },
            edgeNoPriority: { url: platform.publicUrl, pids: [platform.pids.edge!, platform.pids.gateway] },
            floor: { url: `http://127.0.0.1:${floorPort}/graphql`, pids: [floorServer.child.pid!] },
          };
          await load(targets.ours.url, oneBody, { duration: 1 });
          const serverCpu = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
          const readQueue = async (url: string): Promise<{ admittedFromQueue: number; queueWaitMs: number }> => {
            const m = (await (
              await fetch(new URL('/metrics.json', url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
            ).json()) as {
              admission: { read: { admittedFromQueue: number; queueWaitMs: number } };
            };
            return m.admission.read;
          };
          type Variant = keyof typeof targets;
          const overloaded = async (
            variant: Variant,
            offered: number,
          ): Promise<{ run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }> => {
            const { url, pids } = targets[variant];
            const before = variant === 'floor' ? undefined : await readQueue(url);
            const serverBefore = serverCpu(pids);
            const machineBefore = machineCpu();
            if (variant === 'edgeNoPriority') niceWorkers(0);
            const run = await load(url, oneBody, {
              connections: 4 * READ_BOUND,
              overallRate: offered,
              paced: true,
              timeoutSec: 10,
              duration: overloadSeconds,
            });
            if (variant === 'edgeNoPriority') niceWorkers(5);
            const machineAfter = machineCpu();
            const cpu = {
              serverSeconds: serverCpu(pids) - serverBefore,
              loadSeconds: run.loadCpuSeconds ?? NaN,
              machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
            };
            if (!before) return { run, meanQueueWaitMs: 0, cpu };
            const after = await readQueue(url);
            const n = after.admittedFromQueue - before.admittedFromQueue;
            return { run, meanQueueWaitMs: n > 0 ? (after.queueWaitMs - before.queueWaitMs) / n : 0, cpu };
          };
          // Rounds of: capacity at the admission bound (uncontended: as many clients as the gateway admits at
          // once, so nothing waits at the gate), then 3x that rate, paced, at each variant (order reversed
          // every other round so neither end of a round favours one variant).
          const rounds: OverloadRound[] = [];
          const overloadSeconds = quick ? 3 : 4;
          const order: Variant[] = ['ours', 'gatewayAlone', ...(canRestorePriority ? (['edgeNoPriority'] as const) : []), 'floor'];
          for (let i = 0; i < (quick ? 1 : 2); i++) {
            const uncontended = await load(platform.publicUrl, oneBody, { connections: READ_BOUND, duration: overloadSeconds });
            const offered = Math.round(uncontended.okThroughput * 3);
            const runs = {} as Record<Exclude<Variant, 'edgeNoPriority'>, { run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }> &
              Partial<Record<'edgeNoPriority', { run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }>>;
            for (const variant of i % 2 === 0 ? order : [...order].reverse()) runs[variant] = await overloaded(variant, offered);
            rounds.push({
              uncontended,
              offered,
              result: runs.ours.run,
              meanQueueWaitMs: runs.ours.meanQueueWaitMs,
              gatewayAlone: runs.gatewayAlone.run,
              gatewayAloneMeanQueueWaitMs: runs.gatewayAlone.meanQueueWaitMs,
              edgeNoPriority: runs.edgeNoPriority?.run,
              edgeNoPriorityMeanQueueWaitMs: runs.edgeNoPriority?.meanQueueWaitMs,
              floor: runs.floor.run,
              cpu: {
                ours: runs.ours.cpu,
                edgeNoPriority: runs.edgeNoPriority?.cpu,
                gatewayAlone: runs.gatewayAlone.cpu,
                floor: runs.floor.cpu,
              },
            });
          }
          const last = rounds.at(-1)!;
          const alive = await Promise.all(
            [platform.publicUrl, platform.gatewayUrl, ...Object.values(platform.serviceUrls)].map(
              async (u) => (await fetch(new URL('/health', u))).ok,
            ),
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
            overallRate: last.offered,
            paced: true,
            timeoutSec: 10,
            duration: overloadSeconds,
          });
          const med = (f: (r: OverloadRound) => number): number => median(rounds.map(f));
          const uncontendedP99 = med((r) => r.uncontended.latency.p99);
          const admittedP99 = med((r) => r.result.admittedLatency.p99);
          const refusedP99 = med((r) => r.result.refusedLatency.p99);
          const refused = rounds.reduce((a, r) => a + (r.result.outcomes.OVERLOADED ?? 0), 0);
          report.overload = {
            capacity: med((r) => r.uncontended.okThroughput),
            uncontended: last.uncontended,
            offered: last.offered,
            result: last.result,
            withoutAdmission,
            rounds,
            uncontendedP99,
            admittedP99,
            refusedP99,
            floorRefusedP99: med((r) => r.floor.refusedLatency.p99),
            checks: {
              'excess refused with OVERLOADED': refused > 0,
              'refusals answered in under 50 ms (p99)': refused > 0 && refusedP99 < 50,
              'every refusal has Retry-After': rounds.every((r) => r.result.retryAfterMissing === 0),
              'admitted p99 within 2x uncontended p99': admittedP99 <= 2 * uncontendedP99,
              'no HTTP 500, no timeouts': rounds.every((r) => (r.result.status['500'] ?? 0) === 0 && r.result.timeouts === 0),
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

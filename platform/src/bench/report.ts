import type { EventsBenchResult } from './events.bench.js';
import type { LoadResult } from './load.js';
import type { ProjectionsResult } from './projections.bench.js';
import type { AbuseRound, RateLimitResult } from './rate-limit.bench.js';
import { median } from './stats.js';
import type { CeilingResult, StormCheck } from './storm.js';

/** What a benchmark run measured (bench/results/*.json) and how it reads (bench/results/*.md). */

/** CPU used during one run: the server process, the load process, and the whole machine's busy share. */
export interface RunCpu {
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
export interface OverloadRound {
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

export interface Comparison {
  name: string;
  ours: LoadResult[];
  peer: LoadResult[];
  ratio: number;
  target: number;
}

/** One paced run of the registration-day mix at one offered rate. */
export interface MixRun {
  rate: number;
  seconds: number;
  load: LoadResult;
  availability: LoadResult;
  myAppointments: LoadResult;
  booking: LoadResult;
  /** The booking sessions of this run read back from the database. */
  check: StormCheck;
  /** HTTP 5xx other than the edge's 503 OVERLOADED (a 503 SUBGRAPH_UNAVAILABLE counts), all classes. */
  http5xx: number;
  /** Reads refused (OVERLOADED), timed out or failed: availability searches and "my appointments". */
  readsRefused: number;
  bookingsExact: boolean;
  /** Every target held. */
  met: boolean;
  machineBusy: number;
  /** CPU seconds of the edge, gateway and subgraphs during the run. */
  serverCpuSeconds: number;
  /** Each process's CPU during the run, % of one core (the edge and gateway of the mix; PostgreSQL's processes together). */
  cpuPercent?: Record<string, number>;
  /** The edge's and the gateway's counters during the run (refusals by whom, cache hits, fills). */
  counters?: Record<string, number>;
  /** /proc/loadavg (1, 5, 15 min) when the run started: the other work on the machine. */
  loadavg: number[];
}

export interface MixReport {
  rate: number;
  seconds: number;
  connections: number;
  main: MixRun;
  /** The knee steps, in the order run. */
  steps: MixRun[];
  /** Highest offered rate at which every target held (0: none of the steps). */
  knee: number;
  floor: LoadResult;
  targets: { availabilityP99: number; myAppointmentsP99: number; bookingP99: number };
  keys: number;
  signedIn: number;
  /** Seconds of the same load before each measured run (not counted). */
  warmupSeconds?: number;
}

/** The idle platform: CPU over a quiet minute per process (PostgreSQL's processes together). */
export interface IdleReport {
  seconds: number;
  /** Percent of one core, per process. */
  cpuPercent: Record<string, number>;
  totalPercent: number;
  loadavg: number[];
  /**
   * Seconds from forking the eight processes (subgraphs, gateway, edge; databases already migrated) until each
   * answers /health, as launched for this run, and the load average then.
   */
  start?: { seconds: number; loadavg: number[] };
}

export interface BenchReport {
  startedAt: string;
  machine: { cores: number; node: string; platform: string };
  seconds: number;
  storm?: {
    gateway: LoadResult;
    /** CPU milliseconds per booking attempt in each process during the run through the public port. */
    cpuMsPerAttempt?: Record<string, number>;
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
    /** Ours ÷ Hive Gateway with the Rust query planner (`@graphql-hive/router-runtime`). */
    vsHiveRust?: Comparison;
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
  mix?: MixReport;
  idle?: IdleReport;
  /** Peak RSS (MiB) of each process during each scenario (VmHWM reset before it). */
  peakRssMiB?: Record<string, Record<string, number | null>>;
  /** Wall seconds of each scenario (setting up the platform and the cluster apart). */
  scenarioSeconds?: Record<string, number>;
  /** /proc/loadavg when the run started. */
  loadavg?: number[];
  /** The same event runs on NATS JetStream (only when NATS_URL is set). */
  eventsJetStream?: { sustained: EventsBenchResult; burst: EventsBenchResult };
  /** A dose history import and the projections catching up with it. */
  projections?: ProjectionsResult;
}

function table(rows: (string | number)[][]): string {
  const [head, ...body] = rows;
  return [`| ${head!.join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
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
    `Machine: ${report.machine.cores} cores, Node ${report.machine.node}, ${report.machine.platform}; suite took ${f0(report.seconds)} s` +
      (report.scenarioSeconds
        ? ` (${Object.entries(report.scenarioSeconds)
            .map(([k, v]) => `${k} ${v} s`)
            .join(', ')}; the rest is setting up).`
        : '.'),
    '',
  ];
  const head = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'outcomes', 'timeouts', 'HTTP 500'];
  const rows: (string | number)[][] = [head];
  if (report.storm) rows.push(loadRow('storm: bookings through the public port (edge, gateway)', report.storm.gateway));
  if (report.publicRead) {
    rows.push(loadRow('public read, 2 subgraphs, ours (uncached)', report.publicRead.vsHive.ours.at(-1)!));
    rows.push(loadRow('public read, 2 subgraphs, Hive Gateway', report.publicRead.vsHive.peer.at(-1)!));
    if (report.publicRead.vsHiveRust)
      rows.push(loadRow('public read, 2 subgraphs, Hive Gateway with the Rust query planner', report.publicRead.vsHiveRust.peer.at(-1)!));
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
  if (report.mix) {
    const m = report.mix;
    ratios.push([
      `registration-day mix at ${m.rate}/s for ${f0(m.main.seconds)} s: every target`,
      m.main.met ? 'held' : 'missed',
      'held',
      m.main.met ? 'yes' : 'no',
    ]);
    ratios.push([
      'registration-day mix: the knee (highest offered rate with every target held)',
      m.knee ? `${m.knee}/s` : 'below the steps',
      'report',
      '',
    ]);
  }
  if (report.idle)
    ratios.push(['idle platform CPU, % of one core', f1(report.idle.totalPercent), '< 3', report.idle.totalPercent < 3 ? 'yes' : 'no']);
  if (report.storm) atLeast('storm bookings/s ÷ PostgreSQL ceiling (same SQL, same concurrency)', report.storm.ratio, 0.7);
  if (report.publicRead) {
    const p = report.publicRead;
    atLeast('ours ÷ Hive Gateway, 2-subgraph availability, uncached', p.vsHive.ratio, 1);
    if (p.vsHiveRust) atLeast('ours ÷ Hive Gateway with the Rust query planner, same query, uncached', p.vsHiveRust.ratio, 1);
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
  if (report.eventsJetStream) {
    const js = report.eventsJetStream;
    ratios.push(['JetStream: events/s sustained (offered 5,000/s)', f0(js.sustained.eventsPerSecond), 'report', '']);
    ratios.push(['JetStream: event lag p99 at 5,000/s (ms)', f0(js.sustained.lagMs.p99), 'report', '']);
    ratios.push(['JetStream: events/s unthrottled', f0(js.burst.eventsPerSecond), 'report', '']);
  }
  if (report.projections) {
    const p = report.projections;
    ratios.push([
      `projections: import start → coverage complete ÷ import time (${p.records} records, ${p.events} events)`,
      p.ratio === null ? '–' : f2(p.ratio),
      '≤ 1.5',
      p.ratio !== null && p.ratio <= 1.5 ? 'yes' : 'no',
    ]);
    for (const c of p.consumers)
      ratios.push([`projections: ${c.consumer} events/s (bulk)`, c.eventsPerSecond === null ? '–' : f0(c.eventsPerSecond), 'report', '']);
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
  if (report.storm?.cpuMsPerAttempt) {
    const c = report.storm.cpuMsPerAttempt;
    out.push(
      '## Storm: CPU per booking attempt, per process',
      '',
      `CPU milliseconds per attempt during the run through the public port (${f2(Object.values(c).reduce((a, b) => a + b, 0))} ms in all):`,
      '',
      table([['process', 'CPU ms per attempt'], ...Object.entries(c).map(([k, v]) => [k, f2(v)])]),
      '',
    );
  }
  if (report.storm) {
    const st = report.storm;
    out.push(
      '## Storm at PostgreSQL',
      '',
      `Each run: its attempts from 1,000 concurrent clients against a fresh set of 10 sessions × 500 places, in the order run.`,
      '',
      table([
        ['variant', 'pool', 'attempts', 'attempts/s', 'seconds', 'confirmed', 'places', 'sold ÷ places', 'overbooked slots', 'errors'],
        ...st.ceilingRuns.map((r) => [
          r.variant === 'atomic' ? 'one atomic statement' : 'naive read-then-write',
          r.poolSize,
          r.attempts,
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
  if (report.mix) out.push(...mixMarkdown(report.mix), '');
  if (report.idle) {
    const i = report.idle;
    out.push(
      '## Cost at rest',
      '',
      `The whole platform idle for ${f0(i.seconds)} s after start, no traffic (load average ${i.loadavg.join(', ')}): ${f1(i.totalPercent)}% of one core in all (target < 3%).`,
      '',
      table([['process', '% of one core'], ...Object.entries(i.cpuPercent).map(([k, v]) => [k, f2(v)])]),
      '',
      ...(i.start
        ? [
            `Start of the platform's processes for this run (databases migrated already), fork to every /health answering: ${f1(i.start.seconds)} s (load average ${i.start.loadavg.join(', ')}).`,
            '',
          ]
        : []),
    );
  }
  if (report.peakRssMiB) {
    const names = [...new Set(Object.values(report.peakRssMiB).flatMap((r) => Object.keys(r)))];
    out.push(
      '## Peak RSS per process and scenario (MiB)',
      '',
      table([['scenario', ...names], ...Object.entries(report.peakRssMiB).map(([sc, r]) => [sc, ...names.map((n) => r[n] ?? '–')])]),
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

function mixMarkdown(m: MixReport): string[] {
  const cls = (r: LoadResult): string =>
    `${f0(r.latency.p50)} / ${f0(r.latency.p99)} ms; ` +
    Object.entries(r.outcomes)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') +
    (r.timeouts ? `, ${r.timeouts} timeouts` : '');
  const row = (label: string, r: MixRun): (string | number)[] => [
    label,
    r.rate,
    f0(r.seconds),
    f0(r.load.throughput),
    cls(r.availability),
    cls(r.myAppointments),
    `${cls(r.booking)}; ${r.check.confirmed}/${r.check.places} places sold, ${r.check.overbookedSlots} overbooked slots`,
    r.http5xx,
    `${f0(r.machineBusy * 100)}% (load ${r.loadavg.join(' ')})`,
    r.met ? 'yes' : 'no',
  ];
  const t = m.targets;
  return [
    '## Registration-day mix',
    '',
    `A paced open loop through the public port (the edge in front of a gateway with its default public cache) over ${m.connections} keep-alive connections: ` +
      `${MIX_SHARES}; the availability searches spread over ${m.keys} keys (16 kecamatan × 7 days × 2 programmes), "my appointments" by ${m.signedIn} signed-in citizens. ` +
      `Each run is measured after ${m.warmupSeconds ?? 0} s of the same load (bookings aside), so it meets a site that was already serving, its cache warm. ` +
      `Targets: availability p99 < ${t.availabilityP99} ms, my appointments p99 < ${t.myAppointmentsP99} ms, no read of either refused, bookings exact (0 oversold, 0 5xx) with p99 < ${t.bookingP99} ms.`,
    '',
    table([
      [
        'run',
        'offered/s',
        's',
        'answered/s',
        'availability p50 / p99',
        'my appointments p50 / p99',
        'bookings p50 / p99',
        '5xx',
        'machine busy',
        'targets held',
      ],
      row('main', m.main),
      ...m.steps.map((r) => row('knee step', r)),
    ]),
    '',
    ...mixCpu([m.main, ...m.steps]),
    'Counters of the edge and the gateway during each run (refusals by whom, the cache, its fills):',
    '',
    ...[m.main, ...m.steps].map(
      (r) =>
        `- ${r.rate}/s: ${Object.entries(r.counters ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
    ),
    '',
    `Knee: ${m.knee ? `${m.knee}/s` : 'below every step'}. The same mix at the floor server (bare node:http refusing everything) at ${m.rate}/s: ` +
      `answered ${f0(m.floor.throughput)}/s, p50 / p99 ${f1(m.floor.latency.p50)} / ${f1(m.floor.latency.p99)} ms, timeouts ${m.floor.timeouts}, load process loop delay p99 ${f1(m.floor.loadLoopDelayMs?.p99 ?? NaN)} ms.`,
  ];
}

/** Where the mix's CPU went, per run: % of one core per process (the machine has two), and the load process's. */
function mixCpu(runs: MixRun[]): string[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.cpuPercent ?? {})))];
  if (!names.length) return [];
  return [
    'CPU per process during each run, % of one core (2 cores = 200%):',
    '',
    table([
      ['offered/s', ...names, 'load process'],
      ...runs.map((r) => [
        r.rate,
        ...names.map((n) => f0(r.cpuPercent?.[n] ?? NaN)),
        f0(((r.load.loadCpuSeconds ?? NaN) / r.seconds) * 100),
      ]),
    ]),
    '',
  ];
}

const MIX_SHARES = '90% anonymous availability searches, 8% signed-in "my appointments", 2% bookings with distinct valid NIKs';

/**
 * `npm run bench`: starts the platform in production mode on an embedded PostgreSQL, drives load
 * from separate processes (autocannon) and writes bench/results/<timestamp>.json and .md.
 */
/** A progress line on stderr with the seconds since the suite started (where the 10-minute budget goes). */

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { percentile } from './stats.js';
import { stormPerson } from './storm-people.js';

/** What one load run sends; the benchmark writes it to a file and runs this script as its own process. */
export interface LoadSpec {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  overallRate?: number;
  /**
   * Open loop: `overallRate` requests a second at evenly spaced instants for `duration` seconds, whatever
   * the answers, over a pool of `connections` keep-alive connections (undici). Latency counts from the
   * instant a request was due, so time spent waiting for a free connection is counted too (no
   * coordinated omission). Without it, `overallRate` is autocannon's: each connection may send its
   * share of the second back to back as soon as the second starts, so every second begins with all
   * connections in a closed loop.
   */
  paced?: boolean;
  /**
   * Paced runs: first this many seconds of the same load, not counted (bookings left out, so they use no
   * places), so that the measured run meets a platform that was already serving, as on a real day: the
   * caches warm and the connections, pools and JIT as they are after the first seconds. The measured run
   * starts at the warm-up's last instant, without a pause.
   */
  warmupSec?: number;
  timeoutSec?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fixed GraphQL body. */
  body?: string;
  /** Booking attempts with distinct valid NIKs, spread over the slots (or, with `samePerson`, one NIK over and over). */
  storm?: StormSpec;
  /**
   * A mixed paced load (with `paced`, instead of `body`): each request belongs to one class, interleaved
   * evenly by share (smooth weighted round-robin, so a 2% class is one request in fifty, not a burst).
   * The result has each class's own tally in `classes`.
   */
  mix?: MixClass[];
}

export interface StormSpec {
  slotIds: string[];
  doseKind: string;
  firstSerial: number;
  mutation: string;
  samePerson?: boolean;
}

/** One class of a mixed load: its share of the requests, and what each of its requests sends. */
export interface MixClass {
  name: string;
  /** Share of all requests; the classes' shares add up to 1. */
  share: number;
  /** Bodies sent in turn (e.g. one per search key). */
  bodies?: string[];
  /** Header sets sent in turn (e.g. one signed-in citizen each). */
  headers?: Record<string, string>[];
  /** Booking attempts with distinct valid NIKs instead of `bodies`. */
  storm?: StormSpec;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Responses per second (all outcomes). */
  throughput: number;
  /** Successful (OK) responses per second: what comparisons use, so fast refusals never count as work done. */
  okThroughput: number;
  latency: LatencySummary;
  /** Latency of responses refused with 503 OVERLOADED, and of the rest. */
  refusedLatency: LatencySummary;
  admittedLatency: LatencySummary;
  status: Record<string, number>;
  /** GraphQL outcome: OK, or the first error's extensions.code. */
  outcomes: Record<string, number>;
  retryAfterMissing: number;
  timeouts: number;
  errors: number;
  /** The load process's own CPU seconds, and (paced runs) its event-loop delay: a late load process inflates latency. */
  loadCpuSeconds?: number;
  loadLoopDelayMs?: { p99: number; max: number };
  /** A mixed load's tally per class (the top-level figures are all classes together). */
  classes?: Record<string, LoadResult>;
}

const summary = (values: number[]): LatencySummary => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
};

/** What a run counted, whichever way it was driven. */
interface Tally {
  all: number[];
  refused: number[];
  admitted: number[];
  status: Record<string, number>;
  outcomes: Record<string, number>;
  retryAfterMissing: number;
}

interface PacedTally extends Tally {
  timeouts: number;
  errors: number;
}

const newTally = (): PacedTally => ({
  all: [],
  refused: [],
  admitted: [],
  status: {},
  outcomes: {},
  retryAfterMissing: 0,
  timeouts: 0,
  errors: 0,
});

const stormBody = (storm: StormSpec, n: number): string =>
  JSON.stringify({
    query: storm.mutation,
    variables: { input: { ...stormPerson(n), slotId: storm.slotIds[n % storm.slotIds.length], doseKind: storm.doseKind } },
  });

/** What the i-th request of a paced run sends: one fixed body, or the next of its mix class. */
function requestPlan(spec: LoadSpec): (i: number) => { cls: number; body: string; headers: Record<string, string> | undefined } {
  const mix = spec.mix;
  if (!mix) {
    if (spec.body === undefined) throw new Error('paced load needs a body or a mix');
    const body = spec.body;
    return () => ({ cls: 0, body, headers: undefined });
  }
  // Smooth weighted round-robin: each request goes to the class furthest behind its share.
  const credit = mix.map(() => 0);
  const sent = mix.map(() => 0);
  return () => {
    let best = 0;
    for (let c = 0; c < mix.length; c++) {
      credit[c]! += mix[c]!.share;
      if (credit[c]! > credit[best]!) best = c;
    }
    credit[best]! -= 1;
    const k = mix[best]!;
    const n = sent[best]!++;
    const body = k.storm
      ? stormBody(k.storm, k.storm.samePerson ? k.storm.firstSerial : k.storm.firstSerial + n)
      : k.bodies![n % k.bodies!.length]!;
    return { cls: best, body, headers: k.headers?.[n % k.headers.length] };
  };
}

function resultOf(t: Tally, seconds: number, timeouts: number, errors: number): LoadResult {
  return {
    requests: t.all.length,
    seconds,
    throughput: t.all.length / seconds,
    okThroughput: (t.outcomes.OK ?? 0) / seconds,
    latency: summary(t.all),
    refusedLatency: summary(t.refused),
    admittedLatency: summary(t.admitted),
    status: t.status,
    outcomes: t.outcomes,
    retryAfterMissing: t.retryAfterMissing,
    timeouts,
    errors,
  };
}

/** GraphQL outcome of one response: OK, or the first error's extensions.code (HTTP_<status> when not JSON). */
function outcomeOf(code: number, body: string): string {
  // Most answers are data without errors: skip parsing them (the load process shares the machine).
  if (code === 200 && !body.includes('"errors"')) return 'OK';
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    return parsed.errors?.length ? (parsed.errors[0]!.extensions?.code ?? 'UNTYPED_ERROR') : 'OK';
  } catch {
    return `HTTP_${code}`;
  }
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.paced) return runPaced(spec);
  const outcomes: Record<string, number> = {};
  const status: Record<string, number> = {};
  const all: number[] = [];
  const refused: number[] = [];
  const admitted: number[] = [];
  let lastOutcome = 'OK';
  let retryAfterMissing = 0;
  let serial = spec.storm?.firstSerial ?? 0;

  const onResponse = (code: number, body: string, _ctx: Record<string, unknown>, headers: Record<string, string>): void => {
    const outcome = outcomeOf(code, body);
    if (code === 503 && !headers['retry-after']) retryAfterMissing++;
    lastOutcome = outcome;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };

  const storm = spec.storm;
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.duration !== undefined ? { duration: spec.duration } : {}),
    ...(spec.amount !== undefined ? { amount: spec.amount } : {}),
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
    timeout: spec.timeoutSec ?? 10,
    method: spec.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
    requests: [
      storm
        ? {
            method: 'POST',
            setupRequest: (req) => {
              const n = storm.samePerson ? storm.firstSerial : serial++;
              return { ...req, body: stormBody(storm, n) };
            },
            onResponse,
          }
        : { onResponse },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    all.push(responseTime);
    status[String(statusCode)] = (status[String(statusCode)] ?? 0) + 1;
    if (statusCode === 503 && lastOutcome === 'OVERLOADED') refused.push(responseTime);
    else admitted.push(responseTime);
  });
  const started = performance.now();
  // A run must end: if no response arrives for the timeout plus a margin, stop and report it stalled.
  let lastCount = 0;
  let quietSince = performance.now();
  let stalled = false;
  const watchdog = setInterval(() => {
    if (all.length !== lastCount) {
      lastCount = all.length;
      quietSince = performance.now();
    } else if (performance.now() - quietSince > ((spec.timeoutSec ?? 10) + 5) * 1000) {
      stalled = true;
      process.stderr.write(`load: no response for ${spec.timeoutSec ?? 10}+5 s after ${all.length} responses; stopping\n`);
      (instance as unknown as { stop: () => void }).stop();
    }
  }, 1000);
  const result = await instance;
  clearInterval(watchdog);
  // Wall time of the run (autocannon's own duration is rounded to whole seconds in amount mode).
  const seconds = (performance.now() - started) / 1000;
  return resultOf(
    { all, refused, admitted, status, outcomes, retryAfterMissing },
    seconds,
    result.timeouts + (stalled ? 1 : 0),
    result.errors,
  );
}

/** The open-loop run (`paced`): a constant arrival rate, answered or not. */
async function runPaced(spec: LoadSpec): Promise<LoadResult> {
  if (!spec.overallRate || !spec.duration) throw new Error('paced load needs overallRate and duration');
  const timeoutMs = (spec.timeoutSec ?? 10) * 1000;
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, {
    connections: spec.connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 60_000,
  });
  const tallies = (spec.mix ?? [{ name: 'all' }]).map(() => newTally());
  const plan = requestPlan(spec);
  const total = Math.round(spec.overallRate * spec.duration);
  const baseHeaders = { 'content-type': 'application/json', ...spec.headers };
  const path = url.pathname + url.search;
  const method = spec.method ?? 'POST';
  let settled = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = (): void => {
    if (++settled === total) finish();
  };
  const record = (t: PacedTally, code: number, retryAfter: boolean, body: string, due: number): void => {
    const ms = performance.now() - due;
    const outcome = outcomeOf(code, body);
    t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
    t.status[String(code)] = (t.status[String(code)] ?? 0) + 1;
    t.all.push(ms);
    if (code === 503 && outcome === 'OVERLOADED') {
      t.refused.push(ms);
      if (!retryAfter) t.retryAfterMissing++;
    } else t.admitted.push(ms);
  };
  // undici's low-level dispatch (no promise or stream per request): the load process stays cheap.
  const send = (i: number, due: number): void => {
    const { cls, body, headers } = plan(i);
    const t = tallies[cls]!;
    let code = 0;
    let retryAfter = false;
    const chunks: Buffer[] = [];
    pool.dispatch(
      { path, method, headers: headers ? { ...baseHeaders, ...headers } : baseHeaders, body },
      {
        // undici 7's connection-level handler (Pool.dispatch takes this form).
        onConnect: () => undefined,
        onHeaders: (statusCode, rawHeaders) => {
          code = statusCode;
          for (let i = 0; i < rawHeaders.length; i += 2) {
            if (rawHeaders[i]!.toString('latin1').toLowerCase() === 'retry-after') retryAfter = true;
          }
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          record(t, code, retryAfter, Buffer.concat(chunks).toString('utf8'), due);
          settle();
        },
        onError: (error) => {
          const name = (error as { code?: string }).code ?? '';
          if (name.includes('TIMEOUT')) t.timeouts++;
          else t.errors++;
          settle();
        },
      },
    );
  };
  // Open every connection before the clock starts (as autocannon does), with cheap health checks.
  await Promise.all(
    Array.from({ length: spec.connections }, () =>
      pool.request({ path: '/health', method: 'GET' }).then(
        (res) => res.body.dump(),
        () => undefined,
      ),
    ),
  );
  if (spec.warmupSec) {
    await warmUp(spec, pool, baseHeaders, path, method);
    // processes.ts MEASURING_LINE: the runner takes its before-readings now.
    process.stdout.write('{"measuring":true}\n');
  }
  const loopResolutionMs = 2;
  const loop = monitorEventLoopDelay({ resolution: loopResolutionMs });
  loop.enable();
  const cpu = process.cpuUsage();
  const { started } = pace(spec.overallRate, total, send);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  loop.disable();
  const used = process.cpuUsage(cpu);
  await pool.close();
  const merged = newTally();
  for (const t of tallies) {
    merged.all.push(...t.all);
    merged.refused.push(...t.refused);
    merged.admitted.push(...t.admitted);
    for (const [k, v] of Object.entries(t.status)) merged.status[k] = (merged.status[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.outcomes)) merged.outcomes[k] = (merged.outcomes[k] ?? 0) + v;
    merged.retryAfterMissing += t.retryAfterMissing;
    merged.timeouts += t.timeouts;
    merged.errors += t.errors;
  }
  return {
    ...resultOf(merged, seconds, merged.timeouts, merged.errors),
    loadCpuSeconds: (used.user + used.system) / 1e6,
    // The histogram holds whole sampling intervals: take the interval off, as the services' /metrics do.
    loadLoopDelayMs: {
      p99: Math.max(0, loop.percentile(99) / 1e6 - loopResolutionMs),
      max: Math.max(0, loop.max / 1e6 - loopResolutionMs),
    },
    ...(spec.mix
      ? {
          classes: Object.fromEntries(
            spec.mix.map((k, i) => [k.name, resultOf(tallies[i]!, seconds, tallies[i]!.timeouts, tallies[i]!.errors)]),
          ),
        }
      : {}),
  };
}

/** The warm-up of a paced run: the same requests at the same rate (bookings left out), answers not counted. */
async function warmUp(spec: LoadSpec, pool: Pool, baseHeaders: Record<string, string>, path: string, method: string): Promise<void> {
  const kept = spec.mix?.filter((k) => !k.storm);
  const share = kept ? kept.reduce((a, k) => a + k.share, 0) : 1;
  if (share <= 0) return;
  const plan = requestPlan(kept ? { ...spec, mix: kept.map((k) => ({ ...k, share: k.share / share })) } : spec);
  const rate = spec.overallRate! * share;
  const ignore = {
    onConnect: () => undefined,
    onHeaders: () => true,
    onData: () => true,
    onComplete: () => undefined,
    onError: () => undefined,
  };
  await pace(rate, Math.round(rate * spec.warmupSec!), (i) => {
    const { body, headers } = plan(i);
    pool.dispatch({ path, method, headers: headers ? { ...baseHeaders, ...headers } : baseHeaders, body }, ignore);
  }).allSent;
}

/**
 * Calls `fire(i, due)` for `total` requests at `rate` per second, each at its own instant (start + i × interval);
 * a late timer fires the overdue ones at once. `allSent` resolves after the last is fired (answers aside).
 */
function pace(rate: number, total: number, fire: (i: number, due: number) => void): { started: number; allSent: Promise<void> } {
  const interval = 1000 / rate;
  const started = performance.now();
  let sent = 0;
  const allSent = new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent++) fire(sent, started + sent * interval);
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  return { started, allSent };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
  runLoad(spec)
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    });
}

import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { percentile } from './stats.js';
import { stormPerson } from './storm-people.js';

/** What one load run sends; the benchmark writes it to a file and runs this script as its own process. */
export interface LoadSpec {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  overallRate?: number;
  timeoutSec?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fixed GraphQL body. */
  body?: string;
  /** Booking attempts with distinct valid NIKs, spread over the slots (or, with `samePerson`, one NIK over and over). */
  storm?: { slotIds: string[]; doseKind: string; firstSerial: number; mutation: string; samePerson?: boolean };
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

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const outcomes: Record<string, number> = {};
  const status: Record<string, number> = {};
  const all: number[] = [];
  const refused: number[] = [];
  const admitted: number[] = [];
  let lastOutcome = 'OK';
  let retryAfterMissing = 0;
  let serial = spec.storm?.firstSerial ?? 0;

  const onResponse = (code: number, body: string, _ctx: Record<string, unknown>, headers: Record<string, string>): void => {
    let outcome = `HTTP_${code}`;
    try {
      const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      outcome = parsed.errors?.length ? (parsed.errors[0]!.extensions?.code ?? 'UNTYPED_ERROR') : 'OK';
    } catch {
      // not JSON: keep the HTTP status
    }
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
              const input = { ...stormPerson(n), slotId: storm.slotIds[n % storm.slotIds.length], doseKind: storm.doseKind };
              return { ...req, body: JSON.stringify({ query: storm.mutation, variables: { input } }) };
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
  return {
    requests: all.length,
    seconds,
    throughput: all.length / seconds,
    okThroughput: (outcomes.OK ?? 0) / seconds,
    latency: summary(all),
    refusedLatency: summary(refused),
    admittedLatency: summary(admitted),
    status,
    outcomes,
    retryAfterMissing,
    timeouts: result.timeouts + (stalled ? 1 : 0),
    errors: result.errors,
  };
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

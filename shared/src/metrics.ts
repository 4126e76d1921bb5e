import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The resolution of the default metrics' event-loop-lag histogram (a timer wake-up per interval). */
export const EVENT_LOOP_SAMPLE_MS = 1000;

/**
 * The Prometheus view of a process (`/metrics`, text exposition format, from prom-client); the JSON
 * view of our own stays at `/metrics.json`. Each process has its own registry, labelled with its
 * service, holding the HTTP request histogram, Node's default process metrics and whatever the
 * process adds (admission at the edge and the gateway, event lag and backlogs in the services).
 * Values that live in the database are read at scrape time, never polled.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    // Node's event-loop-lag histogram samples with a libuv timer at this resolution, traffic or not: at
    // prom-client's default of 10 ms that was 100 wake-ups a second in every idle process, most of the
    // platform's CPU at rest. Once a second still catches every stall longer than a second; the fine view
    // under load is LoopLateness (http.ts), which samples every 10 ms only while requests arrive.
    collectDefaultMetrics({ register: this.registry, prefix: 'victori_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.http = new Histogram({
      name: 'victori_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status, from the first byte read to the last byte written',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** One finished request; the route is the path for our few known paths, `other` otherwise (bounded labels). */
  observeRequest(method: string | undefined, path: string, status: number, seconds: number): void {
    const route = KNOWN_ROUTES.has(path) ? path : 'other';
    this.http.observe({ method: method ?? 'GET', route, status: String(status) }, seconds);
  }

  /** A gauge read at scrape time: `read` returns one value per label set. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const sample of await read()) this.set(sample.labels, sample.value);
      },
    });
  }

  /** A counter kept elsewhere as a running total (e.g. refusals), read at scrape time. */
  total<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const sample of await read()) this.inc(sample.labels, sample.value);
      },
    });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    // prom-client writes NaN as `Nan` (lib/util.js); the text format says `NaN`. An event-loop gauge is NaN
    // when scraped before its first 1 s sample (EVENT_LOOP_SAMPLE_MS).
    return { contentType: this.registry.contentType, body: (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN') };
  }
}

const KNOWN_ROUTES = new Set(['/', '/graphql', '/health', '/ready', '/metrics', '/metrics.json']);

/** What an admission class exposes (gateway/src/admission.ts AdmissionControl). */
export interface AdmissionView {
  inFlight: number;
  limit: number;
  queued: number;
  refused: number;
  admittedFromQueue: number;
  /** Called with each admitted waiter's time in the queue. */
  onQueueWait?: (ms: number) => void;
}

/** Admission per class (read, write): in flight, the bound, queued, refusals, and the queue wait histogram. */
export function admissionGauges(metrics: PrometheusMetrics, classes: Record<string, AdmissionView>): void {
  const each = (pick: (a: AdmissionView) => number) => async () =>
    Object.entries(classes).map(([name, a]) => ({ labels: { class: name }, value: pick(a) }));
  metrics.gauge(
    'victori_admission_in_flight',
    'Requests admitted and not finished',
    ['class'],
    each((a) => a.inFlight),
  );
  metrics.gauge(
    'victori_admission_limit',
    'The concurrency bound in force',
    ['class'],
    each((a) => a.limit),
  );
  metrics.gauge(
    'victori_admission_queued',
    'Requests waiting for a place',
    ['class'],
    each((a) => a.queued),
  );
  metrics.total(
    'victori_admission_refused_total',
    'Requests refused with OVERLOADED',
    ['class'],
    each((a) => a.refused),
  );
  metrics.total(
    'victori_admission_admitted_from_queue_total',
    'Requests admitted after waiting in the queue',
    ['class'],
    each((a) => a.admittedFromQueue),
  );
  const wait = metrics.histogram(
    'victori_admission_queue_wait_seconds',
    'Time admitted requests waited in the queue',
    ['class'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  for (const [name, a] of Object.entries(classes)) a.onQueueWait = (ms) => wait.observe({ class: name }, ms / 1000);
}

export interface EventStatsView {
  outboxBacklog: number;
  consumers: { consumer: string; lag: number; lastLagMs: number | null; deadLetters: number }[];
}

/** The event backbone of a service: outbox not yet relayed, and per consumer its lag, last delivery lag and dead letters. */
export function eventGauges(metrics: PrometheusMetrics, stats: () => Promise<EventStatsView>): void {
  // One database read per scrape, shared by the four gauges.
  let current: Promise<EventStatsView> | undefined;
  const snapshot = () => {
    current ??= stats().finally(() => setTimeout(() => (current = undefined), 0));
    return current;
  };
  metrics.gauge('victori_outbox_backlog', 'Events written and not yet on the event log', [], async () => [
    { labels: {}, value: (await snapshot()).outboxBacklog },
  ]);
  const perConsumer = (pick: (c: EventStatsView['consumers'][number]) => number | null) => async () =>
    (await snapshot()).consumers.flatMap((c) => {
      const value = pick(c);
      return value === null ? [] : [{ labels: { consumer: c.consumer }, value }];
    });
  metrics.gauge(
    'victori_event_consumer_lag_events',
    'Events on the log this consumer has still to apply',
    ['consumer'],
    perConsumer((c) => c.lag),
  );
  metrics.gauge(
    'victori_event_consumer_last_lag_seconds',
    'From occurrence to applied, for the last event this consumer applied',
    ['consumer'],
    perConsumer((c) => (c.lastLagMs === null ? null : c.lastLagMs / 1000)),
  );
  metrics.gauge(
    'victori_event_dead_letters',
    'Events this consumer gave up on, unresolved',
    ['consumer'],
    perConsumer((c) => c.deadLetters),
  );
}

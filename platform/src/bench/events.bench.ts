import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Migration } from '@mikro-orm/migrations';
import {
  createLogger,
  defineEvent,
  EventConsumer,
  eventsMigration,
  initOrm,
  JetStreamTransport,
  migrateBus,
  onBatch,
  OutboxRelay,
  pgArray,
  PgLogTransport,
  publishMany,
  type EventTransport,
  type NatsConfig,
  type StoredEvent,
} from '@victori/shared';
import { benchCluster, percentile } from './bench-db.js';

const Stepped = defineEvent('bench.stepped', 1, z.object({ aggregate: z.string(), seq: z.number().int() }));

class BenchMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table counter (aggregate varchar(50) primary key, last_seq int not null, applied int not null)`);
  }
}

/**
 * The consumer's committed effect: per aggregate its last step and how many were applied, refusing
 * any step out of order. A batch of events becomes one statement (one row per aggregate).
 */
async function apply(tx: EntityManager, events: StoredEvent<{ aggregate: string; seq: number }>[]): Promise<void> {
  const runs = new Map<string, { first: number; last: number; count: number }>();
  for (const e of events) {
    const run = runs.get(e.payload.aggregate);
    if (!run) runs.set(e.payload.aggregate, { first: e.payload.seq, last: e.payload.seq, count: 1 });
    else if (e.payload.seq !== run.last + 1) throw new Error(`out of order: ${e.payload.aggregate}`);
    else Object.assign(run, { last: e.payload.seq, count: run.count + 1 });
  }
  const aggregates = [...runs.keys()];
  const rows = await tx.execute<{ aggregate: string }[]>(
    `insert into counter (aggregate, last_seq, applied)
     select a, l, c from unnest(?::varchar[], ?::int[], ?::int[], ?::int[]) as t(a, f, l, c)
      where f = 1 or exists (select 1 from counter k where k.aggregate = t.a)
     on conflict (aggregate) do update set last_seq = excluded.last_seq, applied = counter.applied + excluded.applied
     where counter.last_seq = excluded.last_seq - excluded.applied
     returning aggregate`,
    [
      pgArray(aggregates),
      pgArray(aggregates.map((a) => String(runs.get(a)!.first))),
      pgArray(aggregates.map((a) => String(runs.get(a)!.last))),
      pgArray(aggregates.map((a) => String(runs.get(a)!.count))),
    ],
  );
  if (rows.length !== aggregates.length) throw new Error('out of order');
}

export interface EventsBenchResult {
  offeredPerSecond: number | null;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  lagMs: { p50: number; p95: number; p99: number; max: number };
  deadLetters: number;
}

/**
 * Events from outbox to a consumer's committed effect. `rate` null = as fast as producers can write
 * (throughput); a number = steady offered load (lag under that load).
 */
export async function runEventsBench(options: {
  events: number;
  rate: number | null;
  aggregates?: number;
  producers?: number;
  /** Run on NATS JetStream (a stream of its own, deleted after) instead of the bus database. */
  nats?: NatsConfig;
}): Promise<EventsBenchResult> {
  const cluster = await benchCluster();
  try {
    const serviceUrl = await cluster.database('bench_events_svc');
    const busUrl = await cluster.database('bench_events_bus');
    await migrateBus(busUrl);
    const orm = await initOrm({
      databaseUrl: serviceUrl,
      entities: [],
      migrations: [eventsMigration, { name: 'Migration20261123200000_bench', class: BenchMigration }],
      poolSize: 12,
    });
    await orm.migrator.up();
    let transport: EventTransport;
    let dropStream = async (): Promise<void> => undefined;
    if (options.nats) {
      const js = await JetStreamTransport.connect({ ...options.nats, stream: `BENCH_events_${process.pid}_${Date.now()}` });
      transport = js;
      dropStream = () => js.deleteStream();
    } else {
      transport = new PgLogTransport(busUrl);
    }
    const logger = createLogger('bench', 'silent');
    const relay = new OutboxRelay(orm, transport, logger, { producer: 'bench', batchSize: 1000, idleMs: 5 });
    const lags: number[] = [];
    let applied = 0;
    let lastCommit = 0;
    const consumer = new EventConsumer(
      orm,
      transport,
      logger,
      { name: 'bench.counter', handlers: [onBatch(Stepped, apply)] },
      {
        batchSize: 1000,
        idleMs: 20,
        onCommitted: (events, at) => {
          for (const e of events) lags.push(at - Date.parse(e.occurredAt));
          applied += events.length;
          lastCommit = at;
        },
      },
    );
    relay.start();
    consumer.start();

    const aggregates = options.aggregates ?? 100;
    const producers = options.producers ?? 4;
    const perTx = 50;
    const perProducer = Math.ceil(options.events / producers);
    const start = Date.now();
    await Promise.all(
      Array.from({ length: producers }, async (_, p) => {
        let seqs = new Map<string, number>();
        for (let sent = 0; sent < perProducer; sent += perTx) {
          const items = Array.from({ length: Math.min(perTx, perProducer - sent) }, (_, i) => {
            // Each producer owns its aggregates, so per-aggregate order is well defined.
            const aggregate = `p${p}-a${(sent + i) % Math.ceil(aggregates / producers)}`;
            const seq = (seqs.get(aggregate) ?? 0) + 1;
            seqs.set(aggregate, seq);
            return { aggregateId: aggregate, payload: { aggregate, seq } };
          });
          await orm.em.fork().transactional((tx) => publishMany(tx, 'bench', Stepped, items));
          relay.nudge();
          if (options.rate) {
            const due = start + ((sent + perTx) * producers * 1000) / options.rate;
            const wait = due - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
        }
        seqs = new Map();
      }),
    );
    const total = perProducer * producers;
    const deadline = Date.now() + 120_000;
    while (applied < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (lastCommit - start) / 1000;
    const deadLetters = (await consumer.stats()).deadLetters;
    await relay.stop();
    await consumer.stop();
    await dropStream();
    await transport.close();
    await orm.close(true);
    lags.sort((a, b) => a - b);
    return {
      offeredPerSecond: options.rate,
      events: applied,
      seconds,
      eventsPerSecond: Math.round(applied / seconds),
      lagMs: { p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags[lags.length - 1] ?? NaN },
      deadLetters,
    };
  } finally {
    await cluster.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 50_000);
  const rate = process.argv[3] ? Number(process.argv[3]) : null;
  runEventsBench({ events, rate })
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    });
}

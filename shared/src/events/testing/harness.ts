import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Env, loadNatsConfig, type NatsConfig } from '../../config.js';
import { initOrm, type Orm } from '../../orm.js';
import { createLogger } from '../../logger.js';
import { freshDatabase } from '../../testing/index.js';
import { EventConsumer, on, type ConsumerOptions } from '../consumer.js';
import { defineEvent } from '../envelope.js';
import { withEvents } from '../migration.js';
import { migrateBus, PgLogTransport } from '../pg-transport.js';
import { JetStreamTransport } from '../jetstream-transport.js';
import type { EventTransport } from '../transport.js';
import { OutboxRelay } from '../relay.js';
import { Migration } from '@mikro-orm/migrations';

/** A test event: a counter step of one aggregate, with its sequence number. */
export const CounterStepped = defineEvent(
  'test.counter-stepped',
  1,
  z.object({ aggregate: z.string(), seq: z.number().int().positive(), poison: z.boolean().optional() }),
);

export class CounterMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table counter (aggregate varchar(50) primary key, last_seq int not null, applied int not null)`);
    this.addSql(`create table applied_event (event_id uuid primary key, aggregate varchar(50) not null, seq int not null)`);
    this.addSql(`create table thing (id int primary key, label text not null)`);
  }
}

export const harnessMigrations = withEvents([{ name: 'Migration20261123100000_counter', class: CounterMigration }]);

/** The projection: per aggregate the last sequence applied; refuses out-of-order steps. */
export async function applyStep(tx: EntityManager, aggregate: string, seq: number, eventId: string): Promise<void> {
  const [row] = await tx.execute<{ last_seq: number }[]>(`select last_seq from counter where aggregate = ? for update`, [aggregate]);
  const last = row?.last_seq ?? 0;
  if (seq !== last + 1) throw new Error(`out of order: ${aggregate} got ${seq} after ${last}`);
  await tx.execute(
    `insert into counter (aggregate, last_seq, applied) values (?, ?, 1)
     on conflict (aggregate) do update set last_seq = excluded.last_seq, applied = counter.applied + 1`,
    [aggregate, seq],
  );
  await tx.execute(`insert into applied_event (event_id, aggregate, seq) values (?, ?, ?)`, [eventId, aggregate, seq]);
}

/**
 * applyStep for a whole batch, set-based: the aggregates' last steps in one statement, every step
 * checked against them in the batch's order (an out-of-order step throws, as applyStep does), then the
 * applied events and the counters in one statement each.
 */
export async function applySteps(tx: EntityManager, steps: { aggregate: string; seq: number; eventId: string }[]): Promise<void> {
  if (steps.length === 0) return;
  const aggregates = [...new Set(steps.map((s) => s.aggregate))];
  const rows = await tx.execute<{ aggregate: string; last_seq: number }[]>(
    `select aggregate, last_seq from counter where aggregate = any(?::varchar[]) for update`,
    [`{${aggregates.map((a) => `"${a}"`).join(',')}}`],
  );
  const last = new Map(rows.map((r) => [r.aggregate, r.last_seq]));
  const applied = new Map<string, number>();
  for (const s of steps) {
    const before = last.get(s.aggregate) ?? 0;
    if (s.seq !== before + 1) throw new Error(`out of order: ${s.aggregate} got ${s.seq} after ${before}`);
    last.set(s.aggregate, s.seq);
    applied.set(s.aggregate, (applied.get(s.aggregate) ?? 0) + 1);
  }
  await tx.execute(
    `insert into applied_event (event_id, aggregate, seq) select * from jsonb_to_recordset(?::jsonb) as r(event_id uuid, aggregate varchar, seq int)`,
    [JSON.stringify(steps.map((s) => ({ event_id: s.eventId, aggregate: s.aggregate, seq: s.seq })))],
  );
  await tx.execute(
    `insert into counter (aggregate, last_seq, applied)
     select aggregate, last_seq, applied from jsonb_to_recordset(?::jsonb) as r(aggregate varchar, last_seq int, applied int)
     on conflict (aggregate) do update set last_seq = excluded.last_seq, applied = counter.applied + excluded.applied`,
    [JSON.stringify([...applied].map(([aggregate, n]) => ({ aggregate, last_seq: last.get(aggregate), applied: n })))],
  );
}

export type TransportKind = 'postgres' | 'jetstream';

/**
 * The transports the contract tests run on: the PostgreSQL log always, JetStream when NATS_URL is set
 * (CI sets it for these suites; a developer without NATS sees them skipped, with the reason).
 */
export function contractTransports(): { kind: TransportKind; nats?: NatsConfig }[] {
  const env = new Env();
  if (!env.optional('NATS_URL')) {
    process.stdout.write('event contract tests: JetStream skipped (set NATS_URL=nats://127.0.0.1:4222 to run them on JetStream too)\n');
    return [{ kind: 'postgres' }];
  }
  return [{ kind: 'postgres' }, { kind: 'jetstream', nats: loadNatsConfig(env) }];
}

export interface Harness {
  kind: TransportKind;
  orm: Orm;
  transport: EventTransport;
  relay: OutboxRelay;
  consumer: EventConsumer;
  serviceUrl: string;
  /** How a child process reaches the same transport: the bus database URL or the JetStream options as JSON. */
  transportSpec: string;
  /** Distinct events on the bus. */
  busCount(): Promise<number>;
  /** The broker forgets the consumer's position (JetStream: its durable consumer is deleted; PostgreSQL: nothing). */
  loseBrokerPosition(consumer: string): Promise<void>;
  poisonEnabled: { value: boolean };
  /** Another instance of the same consumer (e.g. after a restart). */
  makeConsumer(): EventConsumer;
  close(): Promise<void>;
}

/**
 * A producer+consumer service database and a bus, fresh for one test file: a bus database, or a
 * JetStream stream of its own (a unique name per run, so parallel runs never meet; deleted on close).
 */
export async function startHarness(
  label: string,
  consumerOptions: ConsumerOptions = {},
  bus: { kind: TransportKind; nats?: NatsConfig } = { kind: 'postgres' },
): Promise<Harness> {
  const serviceDb = await freshDatabase(`${label}svc`);
  const orm = await initOrm({ databaseUrl: serviceDb.url, entities: [], migrations: harnessMigrations, poolSize: 10 });
  await orm.migrator.up();
  let transport: EventTransport;
  let transportSpec: string;
  let busCount: () => Promise<number>;
  let loseBrokerPosition: (consumer: string) => Promise<void> = async () => undefined;
  let dropBus: () => Promise<void>;
  if (bus.kind === 'jetstream') {
    const options = {
      ...bus.nats!,
      stream: `T_${label.replace(/[^A-Za-z0-9]/g, '')}_${process.pid}_${randomBytes(4).toString('hex')}`,
      replicas: 1,
      ackWaitMs: 30_000,
    };
    const js = await JetStreamTransport.connect(options);
    transport = js;
    transportSpec = JSON.stringify(options);
    busCount = () => js.count();
    loseBrokerPosition = (consumer) => js.deleteDurable(consumer);
    dropBus = () => js.deleteStream();
  } else {
    const busDb = await freshDatabase(`${label}bus`);
    await migrateBus(busDb.url);
    transport = new PgLogTransport(busDb.url);
    transportSpec = busDb.url;
    busCount = async () => {
      const client = new pg.Client({ connectionString: busDb.url });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>('select count(*) as n from bus_event')).rows[0]!.n);
      } finally {
        await client.end();
      }
    };
    dropBus = () => busDb.drop();
  }
  const logger = createLogger('events-test', 'silent');
  const poisonEnabled = { value: true };
  const relay = new OutboxRelay(orm, transport, logger, { producer: 'test' });
  const makeConsumer = (): EventConsumer =>
    new EventConsumer(
      orm,
      transport,
      logger,
      {
        name: 'test.counter',
        handlers: [
          on(CounterStepped, async (tx, event) => {
            if (event.payload.poison && poisonEnabled.value) throw new Error('poisoned payload');
            await applyStep(tx, event.payload.aggregate, event.payload.seq, event.id);
          }),
        ],
        reset: async (tx) => {
          await tx.execute('delete from counter');
          await tx.execute('delete from applied_event');
        },
      },
      { backoffMs: 5, maxAttempts: 3, ...consumerOptions },
    );
  const consumer = makeConsumer();
  return {
    kind: bus.kind,
    orm,
    transport,
    relay,
    consumer,
    serviceUrl: serviceDb.url,
    transportSpec,
    busCount,
    loseBrokerPosition,
    poisonEnabled,
    makeConsumer,
    async close() {
      await relay.stop();
      await consumer.stop();
      if (bus.kind === 'jetstream') await dropBus();
      await transport.close();
      await orm.close(true);
      await serviceDb.drop();
      if (bus.kind === 'postgres') await dropBus();
    },
  };
}

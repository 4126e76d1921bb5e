import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { initOrm, type Orm } from '../../orm.js';
import { createLogger } from '../../logger.js';
import { freshDatabase } from '../../testing/index.js';
import { EventConsumer, on, type ConsumerOptions } from '../consumer.js';
import { defineEvent } from '../envelope.js';
import { withEvents } from '../migration.js';
import { migrateBus, PgLogTransport } from '../pg-transport.js';
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

export interface Harness {
  orm: Orm;
  transport: PgLogTransport;
  relay: OutboxRelay;
  consumer: EventConsumer;
  serviceUrl: string;
  busUrl: string;
  poisonEnabled: { value: boolean };
  /** Another instance of the same consumer (e.g. after a restart). */
  makeConsumer(): EventConsumer;
  close(): Promise<void>;
}

/** A producer+consumer service database and a bus database, fresh for one test file. */
export async function startHarness(label: string, consumerOptions: ConsumerOptions = {}): Promise<Harness> {
  const serviceDb = await freshDatabase(`${label}svc`);
  const busDb = await freshDatabase(`${label}bus`);
  await migrateBus(busDb.url);
  const orm = await initOrm({ databaseUrl: serviceDb.url, entities: [], migrations: harnessMigrations, poolSize: 10 });
  await orm.migrator.up();
  const transport = new PgLogTransport(busDb.url);
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
    orm,
    transport,
    relay,
    consumer,
    serviceUrl: serviceDb.url,
    busUrl: busDb.url,
    poisonEnabled,
    makeConsumer,
    async close() {
      await relay.stop();
      await consumer.stop();
      await transport.close();
      await orm.close(true);
      await serviceDb.drop();
      await busDb.drop();
    },
  };
}

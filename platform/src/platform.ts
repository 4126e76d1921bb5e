import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevKeyPair, readPem, signToken, startGateway, type RunningGateway, type TokenRequest } from '@victori/gateway';
import {
  createLogger,
  ensureDatabase,
  Env,
  loadServiceConfig,
  migrateBus,
  migrateService,
  SERVICES,
  startService,
  type ConsumerOptions,
  type QueryCounter,
  type RunningService,
  type ServiceName,
} from '@victori/shared';
import { loadGatewayConfig } from '@victori/gateway';
import type { DestinationStream } from 'pino';
import { SUPERGRAPH_FILE } from './compose.js';
import type { LocalSecrets } from './local.js';
import { SERVICE_DEFINITIONS } from './services.js';

import { JWT_AUDIENCE, JWT_ISSUER } from './jwt.js';

export { JWT_AUDIENCE, JWT_ISSUER };

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The lowest port of the kernel's ephemeral range (Linux), or 0 where it cannot be read. */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0;
  }
}

/**
 * A free port on 127.0.0.1 for a server that binds it a little later. It is chosen below the kernel's
 * ephemeral range: a port from that range, once released, can be handed to an outgoing connection
 * (a database pool's) or a port-0 listener before our server binds it (EADDRINUSE). Where the range
 * is unknown, or nothing below it is free, the kernel picks one.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low > 12_000) {
    for (let i = 0; i < 50; i++) {
      const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
      if (await canListen(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface DatabaseUrls {
  services: Record<ServiceName, string>;
  /** The event log shared by all services. */
  bus: string;
}

/** Creates (if needed), migrates and optionally seeds each service's own database and the bus. */
export async function prepareDatabases(adminUrl: string, prefix: string, seed: boolean): Promise<DatabaseUrls> {
  const services = {} as Record<ServiceName, string>;
  const bus = await ensureDatabase(adminUrl, `${prefix}_bus`);
  await migrateBus(bus);
  for (const name of SERVICES) {
    services[name] = await ensureDatabase(adminUrl, `${prefix}_${name}`);
    await migrateService(SERVICE_DEFINITIONS[name], services[name], seed);
  }
  return { services, bus };
}

export interface InProcessPlatform {
  gatewayUrl: string;
  gateway: RunningGateway;
  services: Record<ServiceName, RunningService>;
  databaseUrls: DatabaseUrls;
  secrets: LocalSecrets;
  token(request: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  databaseUrls: DatabaseUrls;
  consumerOptions?: ConsumerOptions;
  /** Start relays and consumers (default true); tests of the backbone drive them by hand. */
  background?: boolean;
  secrets: LocalSecrets;
  mode?: 'development' | 'production' | 'test';
  logLevel?: string;
  queryCounters?: Partial<Record<ServiceName, QueryCounter>>;
  gatewayEnv?: Record<string, string>;
  serviceEnv?: Record<string, string>;
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

/** The whole platform in this process on free ports: four subgraphs and the gateway (tests, benchmarks). */
export async function startInProcess(options: InProcessOptions): Promise<InProcessPlatform> {
  const keysDir = mkdtempSync(path.join(tmpdir(), 'victori-keys-'));
  const keys = await ensureDevKeyPair(keysDir);
  const privateKey = readPem(keys.privateKeyFile);
  const mode = options.mode ?? 'test';
  const logLevel = options.logLevel ?? 'silent';
  const services = {} as Record<ServiceName, RunningService>;
  const started: { close(): Promise<void> }[] = [];
  // The gateway's port is chosen first so that services can call the supergraph (GATEWAY_URL).
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  try {
    for (const name of SERVICES) {
      const env = new Env({
        GATEWAY_URL: gatewayUrl,
        NODE_ENV: mode,
        LOG_LEVEL: logLevel,
        [`${name.toUpperCase()}_PORT`]: '0',
        [`${name.toUpperCase()}_DATABASE_URL`]: options.databaseUrls.services[name],
        BUS_DATABASE_URL: options.databaseUrls.bus,
        GATEWAY_SECRET: options.secrets.gatewaySecret,
        PII_KEY: options.secrets.piiKey,
        // Only identity signs tokens; no other subgraph gets the private key.
        ...(name === 'identity' ? { JWT_PRIVATE_KEY: privateKey, JWT_ISSUER, JWT_AUDIENCE } : {}),
        // Production refuses the SMS outbox; an in-process production platform gets a gateway that refuses (discard port).
        ...(name === 'identity' && mode === 'production' ? { IDENTITY_SMS_URL: 'http://127.0.0.1:9/sms' } : {}),
        // Production requires the national record's address; here a SATUSEHAT that refuses, as for SMS.
        // (with OAuth client credentials, which production requires too), and a PCare bridge that refuses likewise.
        ...(name === 'immunization' && mode === 'production'
          ? {
              SATUSEHAT_BASE_URL: 'http://127.0.0.1:9/fhir-r4/v1',
              SATUSEHAT_AUTH_URL: 'http://127.0.0.1:9/oauth2/v1',
              SATUSEHAT_CLIENT_ID: 'test-platform-client',
              SATUSEHAT_CLIENT_SECRET: 'test-platform-secret',
              PCARE_BASE_URL: 'http://127.0.0.1:9/pcare-rest',
              PCARE_CONS_ID: 'test-platform',
              PCARE_SECRET_KEY: 'test-platform-secret',
              PCARE_USER_KEY: 'test-platform-user-key',
              PCARE_USERNAME: 'test-platform',
              PCARE_PASSWORD: 'test-platform-password',
            }
          : {}),
        ...options.serviceEnv,
      });
      services[name] = await startService(SERVICE_DEFINITIONS[name], loadServiceConfig(name, env), {
        queryCounter: options.queryCounters?.[name],
        consumerOptions: options.consumerOptions,
        background: options.background,
        logger: createLogger(name, logLevel, options.logDestination),
      });
      started.push(services[name]);
    }
    const gatewayConfig = loadGatewayConfig(
      new Env({
        NODE_ENV: mode,
        LOG_LEVEL: logLevel,
        GATEWAY_PORT: String(gatewayPort),
        // Tests see live data unless they ask for the public response cache.
        GATEWAY_PUBLIC_CACHE_MS: '0',
        GATEWAY_SECRET: options.secrets.gatewaySecret,
        ...Object.fromEntries(SERVICES.map((n) => [`${n.toUpperCase()}_URL`, services[n].url])),
        ...options.gatewayEnv,
      }),
      { supergraphFile: SUPERGRAPH_FILE, jwtPublicKey: readPem(keys.publicKeyFile) },
    );
    const gateway = await startGateway(gatewayConfig, createLogger('gateway', logLevel, options.logDestination));
    return {
      gatewayUrl: gateway.url,
      gateway,
      services,
      databaseUrls: options.databaseUrls,
      secrets: options.secrets,
      token: (request) => signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, request),
      async close() {
        await gateway.close();
        for (const s of started.reverse()) await s.close();
        rmSync(keysDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    rmSync(keysDir, { recursive: true, force: true });
    throw error;
  }
}

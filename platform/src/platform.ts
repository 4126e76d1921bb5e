import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevKeyPair, readPem, signToken, startGateway, type RunningGateway, type TokenRequest } from '@victori/gateway';
import {
  createLogger,
  ensureDatabase,
  Env,
  loadServiceConfig,
  migrateService,
  SERVICES,
  startService,
  type QueryCounter,
  type RunningService,
  type ServiceName,
} from '@victori/shared';
import { loadGatewayConfig } from '@victori/gateway';
import { SUPERGRAPH_FILE } from './compose.js';
import type { LocalSecrets } from './local.js';
import { SERVICE_DEFINITIONS } from './services.js';

export const JWT_ISSUER = 'victori';
export const JWT_AUDIENCE = 'victori-api';

/** Creates (if needed), migrates and optionally seeds each service's own database. */
export async function prepareDatabases(adminUrl: string, prefix: string, seed: boolean): Promise<Record<ServiceName, string>> {
  const urls = {} as Record<ServiceName, string>;
  for (const name of SERVICES) {
    urls[name] = await ensureDatabase(adminUrl, `${prefix}_${name}`);
    await migrateService(SERVICE_DEFINITIONS[name], urls[name], seed);
  }
  return urls;
}

export interface InProcessPlatform {
  gatewayUrl: string;
  gateway: RunningGateway;
  services: Record<ServiceName, RunningService>;
  databaseUrls: Record<ServiceName, string>;
  secrets: LocalSecrets;
  token(request: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  databaseUrls: Record<ServiceName, string>;
  secrets: LocalSecrets;
  mode?: 'development' | 'production' | 'test';
  logLevel?: string;
  queryCounters?: Partial<Record<ServiceName, QueryCounter>>;
  gatewayEnv?: Record<string, string>;
  serviceEnv?: Record<string, string>;
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
  try {
    for (const name of SERVICES) {
      const env = new Env({
        NODE_ENV: mode,
        LOG_LEVEL: logLevel,
        [`${name.toUpperCase()}_PORT`]: '0',
        [`${name.toUpperCase()}_DATABASE_URL`]: options.databaseUrls[name],
        GATEWAY_SECRET: options.secrets.gatewaySecret,
        PII_KEY: options.secrets.piiKey,
        ...options.serviceEnv,
      });
      services[name] = await startService(SERVICE_DEFINITIONS[name], loadServiceConfig(name, env), {
        queryCounter: options.queryCounters?.[name],
        logger: createLogger(name, logLevel),
      });
      started.push(services[name]);
    }
    const gatewayConfig = loadGatewayConfig(
      new Env({
        NODE_ENV: mode,
        LOG_LEVEL: logLevel,
        GATEWAY_PORT: '0',
        GATEWAY_SECRET: options.secrets.gatewaySecret,
        ...Object.fromEntries(SERVICES.map((n) => [`${n.toUpperCase()}_URL`, services[n].url])),
        ...options.gatewayEnv,
      }),
      { supergraphFile: SUPERGRAPH_FILE, jwtPublicKey: readPem(keys.publicKeyFile) },
    );
    const gateway = await startGateway(gatewayConfig, createLogger('gateway', logLevel));
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

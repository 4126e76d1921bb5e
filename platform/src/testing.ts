import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Env, JetStreamTransport, loadNatsConfig, SERVICES, type QueryCounter, type ServiceName } from '@victori/shared';
import { dropDatabase } from '@victori/shared';
import { testAdminUrl, uniquePrefix } from '@victori/shared/testing';
import { loadEdgeConfig, type EdgeConfig } from '@victori/gateway';
import { newSecrets } from './local.js';
import { prepareDatabases, startInProcess, type InProcessOptions, type InProcessPlatform } from './platform.js';

export interface TestPlatform extends InProcessPlatform {
  prefix: string;
}

/**
 * `TEST_EVENT_TRANSPORT=jetstream` (with NATS_URL) runs a platform test's services on NATS JetStream,
 * on a stream of its own that close() deletes; by default they share a fresh bus database.
 */
function testEventTransport(): { serviceEnv: Record<string, string>; drop: () => Promise<void> } {
  const env = new Env();
  if (env.oneOf('TEST_EVENT_TRANSPORT', ['postgres', 'jetstream'] as const, 'postgres') === 'postgres') {
    return { serviceEnv: {}, drop: async () => undefined };
  }
  const nats = { ...loadNatsConfig(env), stream: `T_platform_${process.pid}_${randomBytes(4).toString('hex')}` };
  return {
    serviceEnv: { EVENT_TRANSPORT: 'jetstream', NATS_URL: nats.url, NATS_STREAM: nats.stream },
    drop: async () => {
      const transport = await JetStreamTransport.connect(nats);
      await transport.deleteStream();
      await transport.close();
    },
  };
}

/**
 * Boots gateway and all four subgraphs as real HTTP servers on free ports, each service on its own
 * fresh, migrated and seeded database. close() stops everything and drops the databases.
 */
/**
 * The edge a test puts in front of a test platform's gateway: a free port, silent, and live reads (the
 * edge's public cache off, as the test gateway's is) unless the test asks for it in `env`.
 */
export function testEdgeConfig(gatewayUrl: string, env: Record<string, string> = {}): EdgeConfig {
  return loadEdgeConfig(
    new Env({ EDGE_PUBLIC_CACHE_MS: '0', EDGE_PORT: '0', EDGE_UPSTREAM_URL: new URL(gatewayUrl).origin, LOG_LEVEL: 'silent', ...env }),
  );
}

export async function startTestPlatform(
  label: string,
  options: Omit<Partial<InProcessOptions>, 'databaseUrls' | 'secrets'> & {
    seed?: boolean;
    queryCounters?: Partial<Record<ServiceName, QueryCounter>>;
  } = {},
): Promise<TestPlatform> {
  const prefix = uniquePrefix(label);
  const admin = testAdminUrl();
  const databaseUrls = await prepareDatabases(admin, prefix, options.seed ?? true);
  const bus = testEventTransport();
  const platform = await startInProcess({
    databaseUrls,
    secrets: newSecrets(),
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options,
    serviceEnv: { ...bus.serviceEnv, ...options.serviceEnv },
  });
  return {
    ...platform,
    prefix,
    async close() {
      await platform.close();
      await bus.drop();
      for (const name of [...SERVICES, 'bus']) await dropDatabase(admin, `${prefix}_${name}`);
    },
  };
}

/**
 * A pass-through in front of the real gateway that counts what reaches it (POSTs to /graphql): how many
 * reads the edge really sent upstream, seen from outside the edge.
 */
export async function countingPassThrough(target: string): Promise<{ origin: string; posts: number; close(): Promise<void> }> {
  const upstream = new URL(target);
  const counter = { posts: 0 };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/graphql')) counter.posts++;
    const ahead = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    ahead.on('error', () => res.destroy());
    req.pipe(ahead);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get posts() {
      return counter.posts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDevKeyPair, readPem } from '@victori/gateway';
import { ConfigError, SERVICES, startEmbeddedPostgres, type EmbeddedPg, type Env, type ServiceName } from '@victori/shared';
import { startLoadBalancer, type LbPoolSpec, type RunningLb } from './cluster-lb.js';
import { launchPlatform, type LaunchedPlatform } from './launch.js';
import { localSecrets, type LocalSecrets } from './local.js';
import { freePort, prepareDatabases, type DatabaseUrls } from './platform.js';
import { embeddedPgUnit, Supervisor, type RestartPolicy, type SupervisorEvents } from './supervisor.js';

/** Where the replicas share their event log and their limits: both required (`npm run start:cluster`). */
export interface ClusterBackends {
  natsUrl: string;
  redisUrl: string;
}

/**
 * NATS_URL and REDIS_URL, or a ConfigError that says why both are needed. A cluster of replicas on the
 * embedded defaults would be wrong, not slower: every replica would keep its own limits and caches.
 */
export function clusterBackends(env: Env): ClusterBackends {
  const missing = ['NATS_URL', 'REDIS_URL'].filter((v) => !env.optional(v));
  if (missing.length > 0) {
    throw new ConfigError(
      missing.join(' and '),
      `${missing.length > 1 ? 'are' : 'is'} not set: npm run start:cluster runs every process twice, and the replicas share ` +
        'their event log on NATS JetStream (NATS_URL=nats://127.0.0.1:4222, started with -js) and their rate limits and ' +
        'caches in Redis (REDIS_URL=redis://127.0.0.1:6379). Use npm start for one machine without either.',
    );
  }
  return { natsUrl: env.string('NATS_URL'), redisUrl: env.string('REDIS_URL') };
}

/**
 * A data directory's own stream name and Redis key prefix, made on its first run and kept in it
 * (cluster.json): consumer positions in its databases are stream sequences, so a data directory and its
 * stream belong together, and two data directories (two test runs) never meet in NATS or Redis.
 */
export function clusterNames(dataDir: string): { stream: string; prefix: string } {
  const file = path.join(dataDir, 'cluster.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { stream: string; prefix: string };
  mkdirSync(dataDir, { recursive: true });
  const id = randomBytes(4).toString('hex');
  const names = { stream: `VICTORI_CLUSTER_${id}`, prefix: `victori-cluster-${id}:` };
  writeFileSync(file, JSON.stringify(names, null, 2));
  return names;
}

export interface ClusterOptions {
  /** Embedded PostgreSQL's data, the secrets, the dev keys and cluster.json. */
  dataDir: string;
  pgPort: number;
  host?: string;
  /** The balancer's public port (in front of the edges); 0 for a free one. */
  publicPort: number;
  /** Replicas of every subgraph, of the gateway and of the edge (2; 1 to measure what the second buys). */
  replicas?: number;
  backends: ClusterBackends;
  /** NATS_STREAM and REDIS_KEY_PREFIX; clusterNames(dataDir) when unset. */
  stream?: string;
  redisPrefix?: string;
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  gatewayEnv?: Record<string, string>;
  edgeEnv?: Record<string, string>;
  restart?: RestartPolicy;
  supervisorEvents?: SupervisorEvents;
  stdio?: 'inherit' | 'ignore';
  stopGraceMs?: number;
}

export interface RunningCluster {
  /** The balancer in front of the edges: where clients connect. */
  publicUrl: string;
  lb: RunningLb;
  /** One launched platform per replica (its subgraphs, gateway and edge, under its own supervisor). */
  replicas: LaunchedPlatform[];
  pg: EmbeddedPg;
  databaseUrls: DatabaseUrls;
  secrets: LocalSecrets;
  privateKey: string;
  stream: string;
  redisPrefix: string;
  stop(): Promise<void>;
}

const TIERS = [...SERVICES, 'gateway', 'edge'] as const;
type Tier = (typeof TIERS)[number];

/**
 * Embedded PostgreSQL (one database per service, shared by that service's replicas), then the balancer
 * and `replicas` copies of the platform (launchPlatform, each under its own supervisor): every gateway
 * reaches each subgraph through its pool, every edge reaches the gateways through theirs, and the
 * public port balances over the edges. All on JetStream (one durable consumer per service, shared by its
 * replicas) and Redis (one set of limits and caches).
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const host = options.host ?? '127.0.0.1';
  const replicas = options.replicas ?? 2;
  const names = clusterNames(options.dataDir);
  const stream = options.stream ?? names.stream;
  const redisPrefix = options.redisPrefix ?? names.prefix;
  const secrets = localSecrets(options.dataDir);
  const keys = await ensureDevKeyPair(path.join(options.dataDir, 'keys'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'pg'), port: options.pgPort });
  const pgSupervisor = options.restart ? new Supervisor(options.restart, options.supervisorEvents) : undefined;
  pgSupervisor?.adopt(embeddedPgUnit(pg));
  let lb: RunningLb | undefined;
  const launched: LaunchedPlatform[] = [];
  const stopPg = async (): Promise<void> => {
    await pgSupervisor?.stop([['postgres']]);
    await pg.stop();
  };
  try {
    const databaseUrls = await prepareDatabases(pg.adminUrl, 'victori', true);
    const ports: Record<Tier, number>[] = [];
    for (let r = 0; r < replicas; r++) {
      const p = {} as Record<Tier, number>;
      for (const tier of TIERS) p[tier] = await freePort();
      ports.push(p);
    }
    const pools: LbPoolSpec[] = TIERS.map((tier) => ({
      name: tier,
      port: tier === 'edge' ? options.publicPort : 0,
      upstreams: ports.map((p) => `http://${host}:${p[tier]}`),
      healthPath: '/health',
      forwardedFor: tier === 'edge',
    }));
    lb = await startLoadBalancer(pools, { host });
    const origins = lb.origins;
    const shared: Record<string, string> = {
      EVENT_TRANSPORT: 'jetstream',
      NATS_URL: options.backends.natsUrl,
      NATS_STREAM: stream,
      REDIS_URL: options.backends.redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      ...options.env,
      // A service calls the supergraph through the gateways' pool, not one gateway.
      GATEWAY_URL: `${origins.gateway}/graphql`,
    };
    const jwtPublicKey = readPem(keys.publicKeyFile);
    const jwtPrivateKey = readPem(keys.privateKeyFile);
    // Started together: the second replica's processes do not wait for the first's.
    const started = await Promise.allSettled(
      ports.map((p) =>
        launchPlatform({
          host,
          ports: p,
          databaseUrls,
          gatewaySecret: secrets.gatewaySecret,
          piiKey: secrets.piiKey,
          jwtPublicKey,
          jwtPrivateKey,
          env: shared,
          serviceEnv: options.serviceEnv,
          gatewayEnv: {
            ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `${origins[s]}/graphql`])),
            ...options.gatewayEnv,
          },
          edgeEnv: {
            EDGE_UPSTREAM_URL: origins.gateway!,
            // The balancer is the hop in front: the client's address is the last one it adds.
            EDGE_TRUSTED_PROXIES: host,
            ...options.edgeEnv,
          },
          stdio: options.stdio,
          // Every process at the same priority: on a deployment each tier has machines of its own, and a
          // subgraph below the edges here would only measure this machine's scheduler.
          favourEdge: false,
          restart: options.restart,
          supervisorEvents: options.supervisorEvents,
          stopGraceMs: options.stopGraceMs,
        }).then((l) => {
          launched.push(l);
          return l;
        }),
      ),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const ordered = started.map((r) => (r as PromiseFulfilledResult<LaunchedPlatform>).value);
    const balancer = lb;
    return {
      publicUrl: `${origins.edge}/graphql`,
      lb: balancer,
      replicas: ordered,
      pg,
      databaseUrls,
      secrets,
      privateKey: jwtPrivateKey,
      stream,
      redisPrefix,
      async stop() {
        await Promise.all(ordered.map((l) => l.stop()));
        await balancer.close();
        await stopPg();
      },
    };
  } catch (error) {
    await Promise.all(launched.map((l) => l.stop()));
    await lb?.close();
    await stopPg();
    throw error;
  }
}

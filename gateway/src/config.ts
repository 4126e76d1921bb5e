import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  DEFAULT_EDGE_PORT,
  DEFAULT_PORTS,
  Env,
  loadRedisSettings,
  parseTrustedProxies,
  type RedisSettings,
  type TrustedProxies,
  SERVICES,
  requireSecret,
  type Mode,
  type ServiceName,
} from '@victori/shared';
import type { SubgraphGuardOptions } from './subgraph-breaker.js';
import { DEFAULT_COST_LIMITS, type CostLimits } from './cost-limits.js';

export interface AdmissionLimits {
  maxConcurrent: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** Serve the newest waiter first while the class is overloaded (something was refused in the last second). */
  lifoWhenOverloaded?: boolean;
  /** Queue while the class is overloaded (default true); false refuses at once when no place is free. */
  queueWhenOverloaded?: boolean;
  /** While overloaded, shrink the bound when the event loop is busier than this share (0..1); 0 or absent: off. */
  targetUtilization?: number;
  /** The least the loop governor shrinks the bound to. */
  minConcurrent?: number;
}

export interface GatewayConfig {
  mode: Mode;
  host: string;
  port: number;
  gatewaySecret: string;
  /** PEM of the public key that verifies bearer tokens. */
  jwtPublicKey: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** The longest a bearer token may live (exp - iat); tokens without exp are refused. */
  jwtMaxLifetimeS: number;
  supergraphFile: string;
  subgraphUrls: Record<ServiceName, string>;
  logLevel: string;
  /** Admission control per class: queries (reads) and mutations (writes). */
  admission: { read: AdmissionLimits; write: AdmissionLimits };
  /** Share identical in-flight subgraph queries. */
  dedupe: boolean;
  /** Reuse keep-alive connections to subgraphs (off only to measure what reuse is worth). */
  subgraphKeepAlive: boolean;
  /** TTL of the anonymous-query response cache; 0 turns it off. */
  publicCacheMs: number;
  /** Peers whose X-Forwarded-For is believed (the edge); everyone else is known by the socket address. */
  trustedProxies: TrustedProxies;
  /** Per subgraph: call timeouts and circuit breaker. */
  subgraphGuards: Record<ServiceName, SubgraphGuardOptions>;
  /** Per-operation cost limits, enforced before planning (gateway/src/cost-limits.ts). */
  costLimits: CostLimits;
  /** Trusted documents: a JSON manifest of first-party operations ({ "<sha256>": "<query>" } or a list of queries). */
  trustedDocumentsFile?: string;
  /** With a manifest, anyone but staff and partners may run only its operations. */
  trustedDocumentsOnly: boolean; /** An external OpenID Connect provider (e.g. the city's Keycloak) whose tokens are accepted too; see oidc.ts. */
  oidc?: OidcConfig;
  /** Accept tokens of the built-in issuer (identity); false when the OIDC provider replaces it. */
  builtInIssuer: boolean;
  /** REDIS_URL: persisted queries registered at run time are shared by every gateway replica. */
  redis?: RedisSettings;
}

/**
 * GATEWAY_SUBGRAPH_TIMEOUT_MS (queries, 3 s) and GATEWAY_SUBGRAPH_MUTATION_TIMEOUT_MS (15 s: a booking in a
 * surge's queue is still working), each overridable per subgraph (GATEWAY_<NAME>_TIMEOUT_MS,
 * GATEWAY_<NAME>_MUTATION_TIMEOUT_MS); the breaker opens after GATEWAY_BREAKER_FAILURES consecutive
 * failures for GATEWAY_BREAKER_OPEN_MS.
 */
export function loadSubgraphGuards(env: Env): Record<ServiceName, SubgraphGuardOptions> {
  const timeoutMs = env.int('GATEWAY_SUBGRAPH_TIMEOUT_MS', 3000, 50, 600_000);
  const mutationTimeoutMs = env.int('GATEWAY_SUBGRAPH_MUTATION_TIMEOUT_MS', 15_000, 50, 600_000);
  const failureThreshold = env.int('GATEWAY_BREAKER_FAILURES', 5, 1, 10_000);
  const openMs = env.int('GATEWAY_BREAKER_OPEN_MS', 5000, 10, 600_000);
  return Object.fromEntries(
    SERVICES.map((s) => [
      s,
      {
        timeoutMs: env.int(`GATEWAY_${s.toUpperCase()}_TIMEOUT_MS`, timeoutMs, 50, 600_000),
        mutationTimeoutMs: env.int(`GATEWAY_${s.toUpperCase()}_MUTATION_TIMEOUT_MS`, mutationTimeoutMs, 50, 600_000),
        failureThreshold,
        openMs,
      },
    ]),
  ) as Record<ServiceName, SubgraphGuardOptions>;
}

export function loadGatewayConfig(env = new Env(), defaults: { supergraphFile: string; jwtPublicKey?: string }): GatewayConfig {
  const host = env.string('HOST', '127.0.0.1');
  const subgraphUrls = Object.fromEntries(
    SERVICES.map((s) => [s, env.url(`${s.toUpperCase()}_URL`, `http://${host}:${DEFAULT_PORTS[s]}/graphql`)]),
  ) as Record<ServiceName, string>;
  return {
    mode: env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development'),
    host,
    port: env.int('GATEWAY_PORT', DEFAULT_PORTS.gateway, 0, 65535),
    gatewaySecret: requireSecret(env, 'GATEWAY_SECRET'),
    jwtPublicKey: env.string('JWT_PUBLIC_KEY', defaults.jwtPublicKey),
    jwtIssuer: env.string('JWT_ISSUER', 'victori'),
    jwtAudience: env.string('JWT_AUDIENCE', 'victori-api'),
    jwtMaxLifetimeS: env.int('GATEWAY_JWT_MAX_LIFETIME_S', 24 * 3600, 60, 30 * 24 * 3600),
    supergraphFile: env.string('SUPERGRAPH_FILE', defaults.supergraphFile),
    subgraphUrls,
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    admission: {
      // Reads are cheap to retry and cacheable: few in flight, a short queue, refused fast.
      read: {
        maxConcurrent: env.int('GATEWAY_READ_MAX_CONCURRENT', 64, 1, 100_000),
        maxQueue: env.int('GATEWAY_READ_MAX_QUEUE', 64, 0, 1_000_000),
        queueTimeoutMs: env.int('GATEWAY_READ_QUEUE_TIMEOUT_MS', 10, 1, 60_000),
        lifoWhenOverloaded: env.bool('GATEWAY_READ_QUEUE_LIFO', true),
        targetUtilization: env.int('GATEWAY_READ_LOOP_TARGET_PERCENT', 85, 0, 100) / 100,
        minConcurrent: env.int('GATEWAY_READ_MIN_CONCURRENT', 4, 1, 100_000),
      },
      // Bookings are what a surge is for: they wait longer in a deeper queue before being refused. 64 in
      // flight keep booking's connection pool busy several times over; each one in flight holds a whole
      // execution in the heap (256 grew the gateway to 440 MiB in the storm), a queued one only its request.
      write: {
        maxConcurrent: env.int('GATEWAY_WRITE_MAX_CONCURRENT', 64, 1, 100_000),
        maxQueue: env.int('GATEWAY_WRITE_MAX_QUEUE', 4096, 0, 1_000_000),
        queueTimeoutMs: env.int('GATEWAY_WRITE_QUEUE_TIMEOUT_MS', 5000, 1, 60_000),
      },
    },
    dedupe: env.bool('GATEWAY_DEDUPE', true),
    subgraphKeepAlive: env.bool('GATEWAY_SUBGRAPH_KEEPALIVE', true),
    publicCacheMs: env.int('GATEWAY_PUBLIC_CACHE_MS', 2000, 0, 300_000),
    trustedProxies: parseTrustedProxies(env.optional('GATEWAY_TRUSTED_PROXIES')),
    subgraphGuards: loadSubgraphGuards(env),
    costLimits: loadCostLimits(env),
    trustedDocumentsFile: env.optional('GATEWAY_TRUSTED_DOCUMENTS'),
    trustedDocumentsOnly: env.bool('GATEWAY_TRUSTED_DOCUMENTS_ONLY', false),
    oidc: loadOidcConfig(env),
    builtInIssuer: env.bool('JWT_BUILTIN_ISSUER', true),
    redis: loadRedisSettings(env),
  };
}

function loadCostLimits(env: Env): CostLimits {
  const d = DEFAULT_COST_LIMITS;
  return {
    maxDepth: env.int('GATEWAY_MAX_DEPTH', d.maxDepth, 1, 1000),
    maxAliases: env.int('GATEWAY_MAX_ALIASES', d.maxAliases, 0, 100_000),
    maxRootFields: env.int('GATEWAY_MAX_ROOT_FIELDS', d.maxRootFields, 1, 100_000),
    maxTokens: env.int('GATEWAY_MAX_TOKENS', d.maxTokens, 10, 10_000_000),
    maxCost: env.int('GATEWAY_MAX_COST', d.maxCost, 1, Number.MAX_SAFE_INTEGER),
    defaultListSize: env.int('GATEWAY_DEFAULT_LIST_SIZE', d.defaultListSize, 1, 1_000_000),
    maxResponseBytes: env.int('GATEWAY_MAX_RESPONSE_BYTES', d.maxResponseBytes, 1000, 2_000_000_000),
  };
}

export interface EdgeConfig {
  host: string;
  port: number;
  upstream: string;
  admission: { read: AdmissionLimits; write: AdmissionLimits };
  trustedProxies: TrustedProxies;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** The web app's build (web/dist), served for GET paths other than /graphql. */
  webRoot: string;
  logLevel: string;
  /** Read classes (by the subgraphs a read touches): the supergraph they are read from and each class's share of the read bound. */
  readClasses: { supergraphFile: string; classSharePercent: number };
  /** Bearer token /metrics needs; without one /metrics is not served on the public port. */
  metricsToken?: string;
  production: boolean;
  /** The gateway's trusted-documents manifest: its mutations, sent by hash alone, are admitted as bookings. */
  trustedDocumentsFile?: string;
  /** Anonymous reads answered at the edge (edge-cache.ts): lifetime 0 turns the cache off. */
  publicCache: {
    lifetimeMs: number;
    freshMs: number;
    freshJitter: number;
    fills: { concurrency: number; maxQueue: number; waitMs: number };
  };
  /** REDIS_URL: the cache and the learned mutation hashes are shared by every edge replica. */
  redis?: RedisSettings;
}

/**
 * The edge's settings. Its bounds are the platform's public admission control: reads few in flight with
 * a short queue (cheap to retry, cacheable), bookings many in flight in a deep, ordered queue.
 */
export function loadEdgeConfig(env = new Env()): EdgeConfig {
  const host = env.string('HOST', '127.0.0.1');
  const lifetimeMs = env.int('EDGE_PUBLIC_CACHE_MS', 2000, 0, 300_000);
  // Fresh for three quarters of the lifetime: the last quarter is the refresh's time to arrive.
  const freshMs = env.int('EDGE_PUBLIC_CACHE_FRESH_MS', Math.floor((lifetimeMs * 3) / 4), 0, 300_000);
  if (freshMs > lifetimeMs)
    throw new ConfigError('EDGE_PUBLIC_CACHE_FRESH_MS', `must not exceed EDGE_PUBLIC_CACHE_MS (${lifetimeMs}), got ${freshMs}`);
  return {
    publicCache: {
      lifetimeMs,
      freshMs,
      // Each key fresh for 80–100% of freshMs, fixed per key: answers filled together do not go stale together.
      freshJitter: env.int('EDGE_PUBLIC_CACHE_FRESH_JITTER_PERCENT', 20, 0, 90) / 100,
      // Cache fills (one per key, coalesced) have places of their own upstream, and wait for one rather
      // than being refused: edge-cache.ts FillLane. Edge reads + fills stay within the gateway's read bound and queue.
      fills: {
        concurrency: env.int('EDGE_CACHE_FILL_CONCURRENCY', 32, 1, 10_000),
        maxQueue: env.int('EDGE_CACHE_FILL_MAX_QUEUE', 1024, 0, 1_000_000),
        waitMs: env.int('EDGE_CACHE_FILL_WAIT_MS', lifetimeMs || 2000, 1, 300_000),
      },
    },
    redis: loadRedisSettings(env),
    host,
    port: env.int('EDGE_PORT', DEFAULT_EDGE_PORT, 0, 65535),
    upstream: env.url('EDGE_UPSTREAM_URL', `http://${host}:${env.int('GATEWAY_PORT', DEFAULT_PORTS.gateway, 1, 65535)}`),
    admission: {
      read: {
        maxConcurrent: env.int('EDGE_READ_MAX_CONCURRENT', 64, 1, 100_000),
        maxQueue: env.int('EDGE_READ_MAX_QUEUE', 64, 0, 1_000_000),
        queueTimeoutMs: env.int('EDGE_READ_QUEUE_TIMEOUT_MS', 10, 1, 60_000),
        lifoWhenOverloaded: env.bool('EDGE_READ_QUEUE_LIFO', true),
        // Under sustained overload a queued read mostly waits out its deadline and is refused late.
        queueWhenOverloaded: env.bool('EDGE_READ_QUEUE_WHEN_OVERLOADED', false),
      },
      // A booking that waits its turn in an ordered queue is fairer than a refusal whose retry races
      // everyone else's: the queue holds a surge's bookings for up to 10 s (apps time out at 30 s or more).
      // 64 in flight upstream (as the gateway's own bound): the queue waits here, where a waiting booking
      // costs only its bytes, not in the gateway and booking, where it holds an execution.
      write: {
        maxConcurrent: env.int('EDGE_WRITE_MAX_CONCURRENT', 64, 1, 100_000),
        maxQueue: env.int('EDGE_WRITE_MAX_QUEUE', 4096, 0, 1_000_000),
        queueTimeoutMs: env.int('EDGE_WRITE_QUEUE_TIMEOUT_MS', 10_000, 1, 60_000),
      },
    },
    trustedProxies: parseTrustedProxies(env.optional('EDGE_TRUSTED_PROXIES')),
    maxBodyBytes: env.int('EDGE_MAX_BODY_BYTES', 1_000_000, 1, 100_000_000),
    upstreamTimeoutMs: env.int('EDGE_UPSTREAM_TIMEOUT_MS', 60_000, 100, 600_000),
    // One class of reads (e.g. those touching a hung subgraph) holds at most half the read places.
    readClasses: {
      supergraphFile: env.string('SUPERGRAPH_FILE', fileURLToPath(new URL('../../supergraph.graphql', import.meta.url))),
      classSharePercent: env.int('EDGE_READ_CLASS_SHARE_PERCENT', 50, 1, 100),
    },
    metricsToken: env.optional('EDGE_METRICS_TOKEN'),
    production: env.optional('NODE_ENV') === 'production',
    trustedDocumentsFile: env.optional('GATEWAY_TRUSTED_DOCUMENTS'),
    webRoot: resolve(env.optional('EDGE_WEB_ROOT') ?? fileURLToPath(new URL('../../web/dist', import.meta.url))),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  };
}

export interface OidcConfig {
  issuer: string;
  jwksUrl: string;
  audience: string;
  algorithms: string[];
  /** Dotted path of the claim that names the role (Keycloak: realm_access.roles, a list). */
  roleClaim: string;
  /** Dotted path of the claim with the health worker's facility id. */
  facilityClaim: string;
  /** Provider role -> platform role; a provider role not listed maps only when it is a platform role itself. */
  roleMap: Record<string, string>;
}

/** OIDC_ISSUER and OIDC_JWKS_URL turn it on; without them only the built-in issuer's tokens count. */
export function loadOidcConfig(env: Env): OidcConfig | undefined {
  const issuer = env.optional('OIDC_ISSUER');
  if (!issuer) return undefined;
  const roleMap: Record<string, string> = {};
  for (const pair of (env.optional('OIDC_ROLE_MAP') ?? '').split(',').filter((p) => p.trim())) {
    const [from, to] = pair.split('=').map((p) => p.trim());
    if (!from || !to || !['citizen', 'health-worker', 'admin', 'partner'].includes(to)) {
      throw new ConfigError('OIDC_ROLE_MAP', `must be providerRole=citizen|health-worker|admin|partner, comma-separated; got "${pair}"`);
    }
    roleMap[from] = to;
  }
  return {
    issuer,
    jwksUrl: env.url('OIDC_JWKS_URL'),
    audience: env.string('OIDC_AUDIENCE', env.string('JWT_AUDIENCE', 'victori-api')),
    algorithms: env
      .string('OIDC_ALGORITHMS', 'RS256,ES256')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    roleClaim: env.string('OIDC_ROLE_CLAIM', 'role'),
    facilityClaim: env.string('OIDC_FACILITY_CLAIM', 'facility'),
    roleMap,
  };
}

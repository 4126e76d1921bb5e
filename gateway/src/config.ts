import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_EDGE_PORT,
  DEFAULT_PORTS,
  Env,
  parseTrustedProxies,
  SERVICES,
  requireSecret,
  type Mode,
  type ServiceName,
} from '@victori/shared';

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
  trustedProxies: Set<string>;
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
      // Bookings are what a surge is for: they wait longer in a deeper queue before being refused.
      write: {
        maxConcurrent: env.int('GATEWAY_WRITE_MAX_CONCURRENT', 256, 1, 100_000),
        maxQueue: env.int('GATEWAY_WRITE_MAX_QUEUE', 4096, 0, 1_000_000),
        queueTimeoutMs: env.int('GATEWAY_WRITE_QUEUE_TIMEOUT_MS', 5000, 1, 60_000),
      },
    },
    dedupe: env.bool('GATEWAY_DEDUPE', true),
    subgraphKeepAlive: env.bool('GATEWAY_SUBGRAPH_KEEPALIVE', true),
    publicCacheMs: env.int('GATEWAY_PUBLIC_CACHE_MS', 2000, 0, 300_000),
    trustedProxies: parseTrustedProxies(env.optional('GATEWAY_TRUSTED_PROXIES')),
  };
}

export interface EdgeConfig {
  host: string;
  port: number;
  upstream: string;
  admission: { read: AdmissionLimits; write: AdmissionLimits };
  trustedProxies: Set<string>;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** The web app's build (web/dist), served for GET paths other than /graphql. */
  webRoot: string;
  logLevel: string;
}

/**
 * The edge's settings. Its bounds are the platform's public admission control: reads few in flight with
 * a short queue (cheap to retry, cacheable), bookings many in flight in a deep, ordered queue.
 */
export function loadEdgeConfig(env = new Env()): EdgeConfig {
  const host = env.string('HOST', '127.0.0.1');
  return {
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
      write: {
        maxConcurrent: env.int('EDGE_WRITE_MAX_CONCURRENT', 256, 1, 100_000),
        maxQueue: env.int('EDGE_WRITE_MAX_QUEUE', 4096, 0, 1_000_000),
        queueTimeoutMs: env.int('EDGE_WRITE_QUEUE_TIMEOUT_MS', 10_000, 1, 60_000),
      },
    },
    trustedProxies: parseTrustedProxies(env.optional('EDGE_TRUSTED_PROXIES')),
    maxBodyBytes: env.int('EDGE_MAX_BODY_BYTES', 1_000_000, 1, 100_000_000),
    upstreamTimeoutMs: env.int('EDGE_UPSTREAM_TIMEOUT_MS', 60_000, 100, 600_000),
    webRoot: resolve(env.optional('EDGE_WEB_ROOT') ?? fileURLToPath(new URL('../../web/dist', import.meta.url))),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  };
}

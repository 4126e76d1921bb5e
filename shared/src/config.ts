import { loadDbTimeouts, type DbTimeouts } from './db-errors.js';

/**
 * Typed configuration. The only module that reads process.env; every other module receives values.
 * A wrong value fails at start with the variable's name and a non-zero exit.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

export class Env {
  constructor(private readonly source: Source = process.env) {}

  string(name: string, fallback?: string): string {
    const value = this.source[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, 'is required but not set');
  }

  optional(name: string): string | undefined {
    const value = this.source[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.source[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.source[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.source[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }

  url(name: string, fallback?: string): string {
    const value = this.string(name, fallback);
    try {
      new URL(value);
    } catch {
      throw new ConfigError(name, 'must be a URL');
    }
    return value;
  }
}

export type Mode = 'development' | 'production' | 'test';

export const SERVICES = ['booking', 'inventory', 'immunization', 'reporting', 'identity', 'feedback'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceConfig {
  service: ServiceName;
  mode: Mode;
  host: string;
  port: number;
  databaseUrl: string;
  /** The event log (bus) database, shared by all services. */
  busDatabaseUrl: string;
  /** Which event log the services share: the bus database (default) or NATS JetStream. */
  eventTransport: EventTransportConfig;
  /** Shared secret the gateway signs forwarded claims with; subgraphs refuse unsigned requests. */
  gatewaySecret: string;
  /** Key for the NIK keyed hash and encryption (32 bytes hex). */
  piiKey: string;
  logLevel: string;
  dbPoolSize: number;
  /** statement_timeout, idle_in_transaction_session_timeout, connect timeout of every database connection. */
  dbTimeouts: DbTimeouts;
  /** Count SQL statements per service (benchmarks); reported on /metrics. */
  countSql: boolean;
  /** The source this config was read from; a service reads its own settings from it with its own typed loader. */
  env?: Env;
}

export const DEFAULT_PORTS: Record<ServiceName | 'gateway', number> = {
  // Internal: the public port is the edge's (DEFAULT_EDGE_PORT), in front of the gateway.
  gateway: 4005,
  booking: 4001,
  inventory: 4002,
  immunization: 4003,
  reporting: 4004,
  identity: 4006,
  feedback: 4007,
};

/** The public front door (the edge): the one URL citizens' apps and partners use. */
export const DEFAULT_EDGE_PORT = 4000;

export function envPrefix(service: ServiceName): string {
  return service.toUpperCase();
}

export function loadServiceConfig(service: ServiceName, env = new Env()): ServiceConfig {
  const prefix = envPrefix(service);
  return {
    service,
    mode: env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development'),
    host: env.string('HOST', '127.0.0.1'),
    port: env.int(`${prefix}_PORT`, DEFAULT_PORTS[service], 0, 65535),
    databaseUrl: env.url(`${prefix}_DATABASE_URL`),
    busDatabaseUrl: env.url('BUS_DATABASE_URL'),
    eventTransport: loadEventTransportConfig(env),
    gatewaySecret: requireSecret(env, 'GATEWAY_SECRET'),
    piiKey: requireHexKey(env, 'PII_KEY'),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    dbPoolSize: env.int(`${prefix}_DB_POOL`, 10, 1, 200),
    dbTimeouts: loadDbTimeouts(env),
    countSql: env.bool('SQL_COUNT', false),
    env,
  };
}

export interface NatsConfig {
  /** One or more servers, comma-separated (`nats://host:4222`, `tls://...`). */
  url: string;
  stream: string;
  partitions: number;
  duplicateWindowMs: number;
  replicas: number;
}

export type EventTransportConfig = { kind: 'postgres' } | { kind: 'jetstream'; nats: NatsConfig };

/**
 * `EVENT_TRANSPORT=jetstream` with `NATS_URL` puts the event log on NATS JetStream; anything else keeps
 * the PostgreSQL log. `NATS_URL` alone switches nothing (CI sets it for the adapter's own tests only).
 * In production a stream needs 3 or 5 replicas: one server's disk is not a durable log.
 */
export function loadEventTransportConfig(env: Env): EventTransportConfig {
  const kind = env.oneOf('EVENT_TRANSPORT', ['postgres', 'jetstream'] as const, 'postgres');
  if (kind === 'postgres') return { kind };
  const production = env.optional('NODE_ENV') === 'production';
  return { kind, nats: loadNatsConfig(env, production) };
}

/** The JetStream settings (also read by the adapter's tests when NATS_URL is set). */
export function loadNatsConfig(env: Env, production = false): NatsConfig {
  const url = env.string('NATS_URL');
  for (const server of url.split(',')) {
    let parsed: URL;
    try {
      parsed = new URL(server.trim());
    } catch {
      throw new ConfigError('NATS_URL', 'must be nats://host:port (comma-separated for several servers)');
    }
    if (!['nats:', 'tls:'].includes(parsed.protocol))
      throw new ConfigError('NATS_URL', `must use nats:// or tls://, got ${parsed.protocol}//`);
  }
  const stream = env.string('NATS_STREAM', 'VICTORI_EVENTS');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream)) throw new ConfigError('NATS_STREAM', 'must be 1 to 64 letters, digits, _ or -');
  const replicas = env.int('NATS_REPLICAS', production ? 3 : 1, 1, 5);
  if (production && replicas !== 3 && replicas !== 5) {
    throw new ConfigError(
      'NATS_REPLICAS',
      `must be 3 or 5 in production (a stream on ${replicas} server(s) is lost with one disk), got ${replicas}`,
    );
  }
  return {
    url,
    stream,
    partitions: env.int('NATS_PARTITIONS', 16, 1, 1024),
    duplicateWindowMs: env.int('NATS_DUPLICATE_WINDOW_S', 600, 1, 86_400) * 1000,
    replicas,
  };
}

export function requireSecret(env: Env, name: string): string {
  const value = env.string(name);
  if (value.length < 32) throw new ConfigError(name, 'must be at least 32 characters');
  return value;
}

export function requireHexKey(env: Env, name: string): string {
  const value = env.string(name);
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new ConfigError(name, 'must be 64 hexadecimal characters (32 bytes)');
  return value;
}

/** Runs main(); a ConfigError prints which variable is wrong and exits 78 (EX_CONFIG). */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

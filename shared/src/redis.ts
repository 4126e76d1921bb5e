import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError, type Env } from './config.js';
import type { Logger } from './logger.js';
import type { ServiceRuntime } from './service.js';

/**
 * Shared state for replicas (rate limits, the edge's public cache, persisted queries, learned mutation
 * hashes) in Redis, only when REDIS_URL is set: the embedded default keeps all of it in the process and
 * needs nothing. Redis is an accelerator here, never the record: when it cannot be reached, every user of
 * it falls back to its own in-process state (README "Failure modes"), and nothing waits on a dead Redis.
 */
export interface RedisSettings {
  url: string;
  /** Every key starts with this (one deployment, one test run): REDIS_KEY_PREFIX, default "victori:". */
  prefix: string;
  /** A command that takes longer counts as a failure (the caller falls back): REDIS_COMMAND_TIMEOUT_MS. */
  commandTimeoutMs: number;
}

const PREFIX = /^[A-Za-z0-9._-]{1,48}:$/;

/** REDIS_URL (redis:// or rediss://) and REDIS_KEY_PREFIX, validated; undefined without REDIS_URL. */
export function loadRedisSettings(env: Env): RedisSettings | undefined {
  const url = env.optional('REDIS_URL');
  const prefix = env.string('REDIS_KEY_PREFIX', 'victori:');
  if (!PREFIX.test(prefix))
    throw new ConfigError('REDIS_KEY_PREFIX', `must be letters, digits, ".", "_" or "-" ending in ":", got "${prefix}"`);
  const commandTimeoutMs = env.int('REDIS_COMMAND_TIMEOUT_MS', 250, 10, 60_000);
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('REDIS_URL', 'must be a URL such as redis://127.0.0.1:6379');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', `must start with redis:// or rediss://, got "${parsed.protocol}//"`);
  }
  return { url, prefix, commandTimeoutMs };
}

/** A short, fixed-length digest for keys that would otherwise carry a client address or a name into Redis. */
export const redisKeyDigest = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * One connection to Redis for one process (service runtime, gateway or edge). Commands fail at once while
 * the connection is down (no offline queue, a short command timeout) so callers fall back instead of
 * waiting; the client keeps reconnecting in the background, and the first answer after an outage is
 * logged as recovered.
 */
export class SharedRedis {
  readonly client: Redis;
  /** Resolves once connected, or after the first failure to connect: startup never waits on a dead Redis for long. */
  readonly ready: Promise<void>;
  /** Commands that failed (callers count them as fallbacks too). */
  failures = 0;
  private down = false;

  private constructor(
    readonly settings: RedisSettings,
    private readonly logger: Logger,
  ) {
    this.client = new Redis(settings.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: 1000,
      // Keep trying, at most every 2 s: Redis coming back ends the fallback by itself.
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: false,
    });
    this.ready = new Promise<void>((resolve) => {
      this.client.once('ready', () => resolve());
      this.client.once('error', () => resolve());
      setTimeout(resolve, 1500).unref();
    });
    this.client.on('error', (error: Error) => this.markDown(error));
    this.client.on('ready', () => {
      if (this.down) this.logger.warn({ redis: this.safeUrl }, 'redis reachable again; shared state back in use');
      this.down = false;
    });
  }

  static connect(settings: RedisSettings, logger: Logger): SharedRedis {
    return new SharedRedis(settings, logger);
  }

  /** The deployment's key for a name: prefix + kind + ':' + name. */
  key(kind: string, name: string): string {
    return `${this.settings.prefix}${kind}:${name}`;
  }

  /** Connected and ready for commands (a command may still fail). */
  get available(): boolean {
    return this.client.status === 'ready';
  }

  /** Runs a command; undefined (and a logged outage) when Redis cannot answer now. */
  async attempt<T>(command: (client: Redis) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (!this.available) {
      this.failures++;
      return { ok: false };
    }
    try {
      return { ok: true, value: await command(this.client) };
    } catch (error) {
      this.failures++;
      this.markDown(error as Error);
      return { ok: false };
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private markDown(error: Error): void {
    if (this.down) return;
    this.down = true;
    // The URL may carry a password: only host and port are logged.
    this.logger.warn(
      { redis: this.safeUrl, err: { message: error.message } },
      'redis unreachable; using in-process state until it is back',
    );
  }

  private get safeUrl(): string {
    const u = new URL(this.settings.url);
    return `${u.protocol}//${u.host}`;
  }
}

const perRuntime = new WeakMap<ServiceRuntime, SharedRedis | null>();

/** The running service's Redis connection (made on first use, closed with the service), or undefined without REDIS_URL. */
export function runtimeRedis(runtime: ServiceRuntime, settings: RedisSettings | undefined): SharedRedis | undefined {
  let found = perRuntime.get(runtime);
  if (found === undefined) {
    found = settings ? SharedRedis.connect(settings, runtime.logger) : null;
    perRuntime.set(runtime, found);
    if (found) {
      const redis = found;
      runtime.onClose(() => redis.close());
    }
  }
  return found ?? undefined;
}

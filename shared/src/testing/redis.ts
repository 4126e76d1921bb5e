import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { Env } from '../config.js';
import type { RedisSettings } from '../redis.js';

/**
 * A Redis for one test file: REDIS_URL (the Redis suites run with it: `npm run test:redis`), a key prefix
 * of its own so parallel runs never share a key, and cleanup() that deletes every key under the prefix.
 */
export interface TestRedis {
  url: string;
  prefix: string;
  settings: RedisSettings;
  /** REDIS_URL and REDIS_KEY_PREFIX for a service's, the gateway's or the edge's environment. */
  env: Record<string, string>;
  /** Keys under this file's prefix (assertions). */
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export function testRedis(label: string, url = new Env().optional('REDIS_URL')): TestRedis {
  if (!url) throw new Error('REDIS_URL is not set: run the Redis suites with `REDIS_URL=redis://127.0.0.1:6379 npm run test:redis`');
  const prefix = `victori-test-${label.replace(/[^a-z0-9]/gi, '').slice(0, 16)}-${randomBytes(4).toString('hex')}:`;
  const scan = async <T>(each: (client: Redis, keys: string[]) => Promise<T>): Promise<void> => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await each(client, keys);
      } while (cursor !== '0');
    } finally {
      await client.quit();
    }
  };
  return {
    url,
    prefix,
    settings: { url, prefix, commandTimeoutMs: 250 },
    env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
    async keys() {
      const found: string[] = [];
      await scan(async (_c, keys) => found.push(...keys));
      return found;
    },
    async cleanup() {
      await scan((client, keys) => client.del(...keys));
    },
  };
}

/**
 * A TCP pass-through to Redis that a test can cut (every connection dropped, new ones refused) and restore
 * on the same port: Redis becoming unreachable mid-run, without stopping the Redis other runs share.
 */
export class RedisCut {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: URL) {}

  static async open(url: string): Promise<RedisCut> {
    const cut = new RedisCut(new URL(url));
    await cut.listen();
    return cut;
  }

  /** The URL to give the code under test. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port || 6379), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
}

import { createLogger } from './logger.js';
import { RateLimiter } from './rate-limit.js';
import { SharedRedis } from './redis.js';
import { RedisCut, testRedis } from './testing/redis.js';

const logger = createLogger('test', 'silent');
const redis = testRedis('ratelimit');
const opened: SharedRedis[] = [];
/** One process's connection: each replica has its own. */
const replica = (url = redis.url): SharedRedis => {
  const r = SharedRedis.connect({ ...redis.settings, url }, logger);
  opened.push(r);
  return r;
};
const limiter = (r: SharedRedis, limit = 3): RateLimiter => new RateLimiter(limit, 60_000, { redis: r, name: 'test' });

afterAll(async () => {
  for (const r of opened) await r.close();
  await redis.cleanup();
  expect(await redis.keys()).toEqual([]);
});

describe('rate limits in Redis: one count for every replica', () => {
  test('two replicas on one Redis enforce one limit per key, not one each', async () => {
    const a = limiter(replica());
    const b = limiter(replica());
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await (i % 2 ? b : a).take('10.0.0.1'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits.slice(3).every((w) => w > 0 && w <= 60)).toBe(true);
    // Another client has its own count; the keys carry a digest, not the address.
    expect(await b.take('10.0.0.2')).toBe(0);
    const keys = await redis.keys();
    expect(keys.length).toBe(2);
    expect(keys.every((k) => k.startsWith(`${redis.prefix}rl:test`) && !k.includes('10.0.0'))).toBe(true);
    expect(a.fallbacks + b.fallbacks).toBe(0);
  });

  test('Redis unreachable from the start (a dead port): the limit holds in this process, at once, and nothing waits', async () => {
    const dead = await RedisCut.open(redis.url);
    const url = dead.url;
    await dead.cut();
    const local = limiter(replica(url));
    const started = Date.now();
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await local.take('10.0.0.3'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(local.fallbacks).toBe(5);
    // Five attempts in well under the time of one connect timeout: no attempt waited for Redis.
    expect(Date.now() - started).toBeLessThan(2500);
  });

  test('Redis lost mid-run: counting goes on per replica, and the shared count is back when Redis is', async () => {
    const line = await RedisCut.open(redis.url);
    try {
      const connection = replica(line.url);
      const shared = limiter(connection);
      await connection.ready;
      expect([await shared.take('10.0.0.4'), await shared.take('10.0.0.4')]).toEqual([0, 0]);
      await line.cut();
      // In memory this replica has counted nothing yet: the limit now holds per replica (3 more here).
      const during = [];
      for (let i = 0; i < 4; i++) during.push(await shared.take('10.0.0.4'));
      expect(during.slice(0, 3)).toEqual([0, 0, 0]);
      expect(during[3]).toBeGreaterThan(0);
      expect(shared.fallbacks).toBe(4);
      await line.restore();
      await until(() => connection.available);
      // Redis still holds the 2 counted before the cut: one more attempt, then refused, for every replica.
      const other = limiter(replica());
      expect(await shared.take('10.0.0.4')).toBe(0);
      expect(await other.take('10.0.0.4')).toBeGreaterThan(0);
    } finally {
      await line.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

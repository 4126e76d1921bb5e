import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { redisKeyDigest, type SharedRedis } from './redis.js';

/**
 * Fixed-window request counting per key (client address, person, phone): a bot or a stuck client retrying
 * one key cannot crowd out everyone else, and its refusals cost no database work. Used by booking (per
 * address and NIK) and identity (per address, per username).
 *
 * The counting is rate-limiter-flexible's: in memory per process by default, or in Redis (one count for
 * every replica) when the service has REDIS_URL. When Redis cannot answer, the count goes on in this
 * process's memory (rate-limiter-flexible's insurance limiter): the limit then holds per replica, never
 * switched off, and bookings keep being taken (README "Failure modes" says why this is the policy).
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract | undefined;
  /** Attempts counted in memory because Redis could not answer. */
  fallbacks = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly shared?: { redis: SharedRedis; name: string },
  ) {
    if (limit <= 0) return;
    const duration = Math.max(1, Math.round(windowMs / 1000));
    const local = new RateLimiterMemory({ points: limit, duration });
    if (!shared) {
      this.limiter = local;
      return;
    }
    const insurance = new RateLimiterMemory({ points: limit, duration });
    const count = insurance.consume.bind(insurance);
    // Counts how often the insurance limiter stood in for Redis (metrics, tests).
    insurance.consume = (key, points, options) => {
      this.fallbacks++;
      return count(key, points, options);
    };
    this.limiter = new RateLimiterRedis({
      storeClient: shared.redis.client,
      keyPrefix: shared.redis.key('rl', shared.name),
      points: limit,
      duration,
      // A Redis that is not connected is not waited for: the insurance limiter counts at once.
      rejectIfRedisNotReady: true,
      insuranceLimiter: insurance,
    });
  }

  /** Whether the count is shared by replicas (REDIS_URL). */
  get isShared(): boolean {
    return this.shared !== undefined;
  }

  /**
   * Takes back one attempt counted by `take` (a request that turned out not to count, e.g. the replay of
   * a stored result). When the store cannot answer, the attempt stays counted: a refund never opens more.
   */
  async give(key: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.reward(this.shared ? redisKeyDigest(key) : key, 1);
    } catch {
      // stays counted
    }
  }

  /** Counts one attempt; resolves to the seconds to wait when over the limit, or 0. */
  async take(key: string): Promise<number> {
    if (!this.limiter) return 0;
    if (this.shared) await this.shared.redis.ready;
    try {
      await this.limiter.consume(this.shared ? redisKeyDigest(key) : key);
      return 0;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw refusal;
    }
  }
}

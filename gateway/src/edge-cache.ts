import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SharedRedis } from '@victori/shared';
import { classBoundOf } from './edge-classes.js';

/** One upstream answer as the edge keeps it: enough to send it again byte for byte. */
export interface CachedAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The gateway marked the answer public (`cache-control: public`: an anonymous query without errors). */
  shared: boolean;
  /** When the upstream answered (ms since the epoch): the age of what a citizen sees. */
  storedAt: number;
}

/** Where answers live between requests: this process's memory, or Redis shared by every edge replica. */
export interface AnswerStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  /** Claims the one refresh of a stale entry (across replicas with Redis); false when another has it. */
  claimRefresh(key: string, ms: number): Promise<boolean>;
  /** Gives the claim back once the refreshed answer is stored (the next stale read may refresh at once). */
  releaseRefresh(key: string): Promise<void>;
}

/** Bounded; the oldest entry leaves first. Refreshes are claimed by the in-process coalescing alone. */
export class MemoryAnswerStore implements AnswerStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { answer: CachedAnswer; expires: number }>();
  constructor(private readonly maxEntries = 10_000) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const found = this.entries.get(key);
    if (!found) return undefined;
    if (found.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return found.answer;
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { answer, expires: Date.now() + ttlMs });
  }

  async claimRefresh(): Promise<boolean> {
    return true;
  }

  async releaseRefresh(): Promise<void> {}
}

/**
 * Answers in Redis (one cache for every edge replica), with this process's memory standing in while Redis
 * cannot answer: the cache then works per replica, as without REDIS_URL, and never waits on Redis.
 * An answer this edge stored or read is also kept here while it is younger than `nearMs` (the fresh part
 * of the lifetime): a fresh hit costs no round trip, and nothing past fresh is served from here while
 * Redis answers, so a refresh by another edge is seen at once after it.
 */
export class RedisAnswerStore implements AnswerStore {
  readonly kind = 'redis';
  readonly local = new MemoryAnswerStore(2000);
  fallbacks = 0;
  constructor(
    private readonly redis: SharedRedis,
    private readonly nearMs = 0,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const near = await this.local.get(key);
    if (near && Date.now() - near.storedAt < this.nearMs) return near;
    const found = await this.redis.attempt((c) => c.get(this.redis.key('cache', key)));
    if (!found.ok) {
      this.fallbacks++;
      return near;
    }
    if (!found.value) return undefined;
    try {
      const answer = JSON.parse(found.value) as CachedAnswer;
      if (this.nearMs > 0) await this.local.set(key, answer, Math.max(1, this.nearMs - (Date.now() - answer.storedAt)));
      return answer;
    } catch {
      return undefined;
    }
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    const done = await this.redis.attempt((c) => c.set(this.redis.key('cache', key), JSON.stringify(answer), 'PX', ttlMs));
    if (!done.ok) this.fallbacks++;
    // Kept here for the whole lifetime: served from here only while fresh, or while Redis cannot answer.
    await this.local.set(key, answer, ttlMs);
  }

  async claimRefresh(key: string, ms: number): Promise<boolean> {
    const claimed = await this.redis.attempt((c) => c.set(this.redis.key('refresh', key), '1', 'PX', ms, 'NX'));
    // Without Redis, this replica refreshes its own copy.
    return !claimed.ok || claimed.value === 'OK';
  }

  async releaseRefresh(key: string): Promise<void> {
    await this.redis.attempt((c) => c.del(this.redis.key('refresh', key)));
  }
}

export type CacheState = 'hit' | 'stale' | 'miss' | 'shared';

/**
 * What one upstream call for a key knows: whether readers wait for it (a miss, or a refresh a reader
 * joined after the stale answer expired). `onUrgent` is called once when a background refresh becomes urgent.
 */
export interface FillTicket {
  urgent: boolean;
  onUrgent?: () => void;
}

/** Asks upstream for a key's answer. */
export type Fill = (ticket: FillTicket) => Promise<CachedAnswer>;

export interface FillLaneOptions {
  /** Fills upstream at once, all keys together. */
  concurrency: number;
  /** The share of `concurrency` one read class (the subgraphs a read touches) may hold. */
  classShare: number;
  /** Fills waiting for a place; one more is refused. */
  maxQueue: number;
  /** How long a fill that readers wait for may wait for a place before they are refused. */
  waitMs: number;
}

/** How long a background refresh may wait for a place (the cache serves the stale answer meanwhile). */
const BACKGROUND_WAIT_MS = 10_000;

interface LaneWaiter {
  cls: string;
  go: (admitted: boolean) => void;
  timer?: NodeJS.Timeout;
}

/**
 * The upstream places of the edge's cache fills, apart from the read admission of uncached reads.
 *
 * A fill is coalesced (one per key, however many readers wait for it), so the number of fills is bounded
 * by the number of distinct public reads, not by the number of readers. Refusing a fill at once, as a
 * read is refused, refuses every reader waiting on it, and after a refusal nothing is kept, so the next
 * reader of the key misses again: a cold start or a wave of expiries becomes a wave of refusals. Fills
 * wait here instead, in order, misses (readers waiting) before refreshes (a stale answer is being served
 * meanwhile), for at most `waitMs`; one read class holds at most its share of the places, so fills of a
 * hung subgraph cannot hold up every other key's.
 */
export class FillLane {
  private running = 0;
  private readonly byClass = new Map<string, number>();
  private readonly urgent: LaneWaiter[] = [];
  private readonly background: LaneWaiter[] = [];
  readonly classBound: number;
  readonly stats = { started: 0, queued: 0, refused: 0, expired: 0 };

  constructor(readonly options: FillLaneOptions) {
    this.classBound = classBoundOf(options.concurrency, options.classShare);
  }

  get waiting(): number {
    return this.urgent.length + this.background.length;
  }

  /** Resolves to the release of a place, or undefined when the fill is refused (queue full or waited too long). */
  enter(cls: string, ticket: FillTicket): Promise<(() => void) | undefined> {
    if (this.waiting >= this.options.maxQueue) {
      this.stats.refused++;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const waiter: LaneWaiter = { cls, go: (admitted) => resolve(admitted ? this.start(cls) : undefined) };
      const wait = (queue: LaneWaiter[], ms: number) => {
        clearTimeout(waiter.timer);
        waiter.timer = setTimeout(() => {
          const at = queue.indexOf(waiter);
          if (at < 0) return;
          queue.splice(at, 1);
          this.stats.expired++;
          waiter.go(false);
        }, ms);
        waiter.timer.unref();
      };
      if (ticket.urgent) {
        this.urgent.push(waiter);
        wait(this.urgent, this.options.waitMs);
      } else {
        // A refresh has no reader waiting; once one joins it (its stale answer expired), it moves up.
        this.background.push(waiter);
        wait(this.background, BACKGROUND_WAIT_MS);
        ticket.onUrgent = () => {
          const at = this.background.indexOf(waiter);
          if (at < 0) return;
          this.background.splice(at, 1);
          this.urgent.push(waiter);
          wait(this.urgent, this.options.waitMs);
          this.pump();
        };
      }
      this.pump();
      if (this.urgent.includes(waiter) || this.background.includes(waiter)) this.stats.queued++;
    });
  }

  private fits(cls: string): boolean {
    return this.running < this.options.concurrency && (this.byClass.get(cls) ?? 0) < this.classBound;
  }

  private start(cls: string): () => void {
    this.stats.started++;
    this.running++;
    this.byClass.set(cls, (this.byClass.get(cls) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      const held = (this.byClass.get(cls) ?? 1) - 1;
      if (held > 0) this.byClass.set(cls, held);
      else this.byClass.delete(cls);
      this.pump();
    };
  }

  /** Starts waiting fills while places are free: misses first, each in arrival order, skipping a full class. */
  private pump(): void {
    for (const queue of [this.urgent, this.background]) {
      for (let i = 0; i < queue.length && this.running < this.options.concurrency;) {
        const waiter = queue[i]!;
        if (!this.fits(waiter.cls)) {
          i++;
          continue;
        }
        queue.splice(i, 1);
        clearTimeout(waiter.timer);
        waiter.go(true);
      }
    }
  }

  metrics(): { concurrency: number; classBound: number; running: number; waiting: number } & FillLane['stats'] {
    return {
      concurrency: this.options.concurrency,
      classBound: this.classBound,
      running: this.running,
      waiting: this.waiting,
      ...this.stats,
    };
  }
}

export interface EdgeCacheOptions {
  /** The public cache lifetime: no answer older than this is served. */
  lifetimeMs: number;
  /** Until this age an answer is fresh; after it (within the lifetime) it is served at once and refreshed once. */
  freshMs: number;
  /** How long one replica holds the claim to refresh a stale entry. */
  refreshClaimMs?: number;
  /**
   * Each key's fresh part is `freshMs` less up to this fraction of it, fixed per key (from the key's hash).
   * Answers filled together (a cold start, a restart) would otherwise go stale together for ever, each wave
   * of refreshes queueing in the fill lane; with a spread their periods differ and the waves dissolve.
   */
  freshJitter?: number;
}

/** The fraction (0 ≤ f < 1) a key's fresh part is shortened by: from its first characters, the same on every replica. */
export function freshSpread(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < Math.min(8, key.length); i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/**
 * The edge's cache of anonymous reads (public data: centres, sessions with free places, public stock):
 *
 * - **stale-while-revalidate** within the public cache lifetime: a fresh answer is served as it is; a stale
 *   one (older than `freshMs`, younger than `lifetimeMs`) is served at once while one refresh runs;
 * - **request coalescing**: concurrent identical reads that find nothing wait for one upstream call
 *   (in this process; with Redis, a stale entry is refreshed by one replica, the others keep serving it);
 * - only answers the caller may share are kept (200, JSON, no errors; see `cacheable`); the key is the
 *   exact request, and signed-in requests never reach it (`anonymousReadKey`).
 */
export class EdgeCache {
  /** The upstream call in flight per key, with its ticket (whether readers wait for it). */
  private readonly inFlight = new Map<string, { done: Promise<CachedAnswer>; ticket: FillTicket }>();
  readonly stats = { hits: 0, stale: 0, misses: 0, shared: 0, refreshes: 0, upstream: 0 };

  constructor(
    readonly store: AnswerStore,
    readonly options: EdgeCacheOptions,
  ) {}

  /** The answer for a key: from the cache, from a call already in flight, or from `fetch` (stored when cacheable). */
  async answer(key: string, fetch: Fill): Promise<{ answer: CachedAnswer; state: CacheState }> {
    const found = await this.store.get(key);
    const age = found ? Date.now() - found.storedAt : Infinity;
    if (found && age < this.options.lifetimeMs) {
      if (age < this.freshFor(key)) {
        this.stats.hits++;
        return { answer: found, state: 'hit' };
      }
      this.stats.stale++;
      if (!this.inFlight.has(key) && !this.refreshing.has(key)) void this.refresh(key, fetch);
      return { answer: found, state: 'stale' };
    }
    // Checked after the store answered, with no await before the call starts: exactly one call per key.
    const joined = this.inFlight.get(key);
    if (joined) {
      this.stats.shared++;
      // A background refresh that readers now wait for (its stale answer expired) becomes urgent.
      if (!joined.ticket.urgent) {
        joined.ticket.urgent = true;
        joined.ticket.onUrgent?.();
      }
      const answer = await joined.done.catch(() => undefined);
      // Only a public answer (or a refusal for overload) is given to those who waited; anything else is asked again.
      if (answer && (answer.shared || answer.status === 503)) return { answer, state: 'shared' };
    }
    this.stats.misses++;
    return { answer: await this.call(key, fetch, { urgent: true }), state: 'miss' };
  }

  private readonly refreshing = new Set<string>();

  /** How long the key's answer is fresh: `freshMs`, less its fixed share of the jitter. */
  freshFor(key: string): number {
    const jitter = this.options.freshJitter ?? 0;
    return jitter > 0 ? this.options.freshMs * (1 - jitter * freshSpread(key)) : this.options.freshMs;
  }

  private async refresh(key: string, fetch: Fill): Promise<void> {
    this.refreshing.add(key);
    try {
      // With Redis, one replica refreshes; the others keep serving the stale entry until it is replaced.
      if (!(await this.store.claimRefresh(key, this.options.refreshClaimMs ?? 5000))) return;
      this.stats.refreshes++;
      try {
        await this.call(key, fetch, { urgent: false });
      } finally {
        await this.store.releaseRefresh(key);
      }
    } catch {
      // The stale entry stays until the lifetime ends; the next stale read tries again.
    } finally {
      this.refreshing.delete(key);
    }
  }

  private call(key: string, fetch: Fill, ticket: FillTicket): Promise<CachedAnswer> {
    // Joiners wait until the answer is stored too, so none of them arrives between the answer and the store.
    const done = fetch(ticket).then(async (answer) => {
      await this.keep(key, answer);
      return answer;
    });
    this.track(key, done, ticket);
    return done;
  }

  private track(key: string, done: Promise<CachedAnswer>, ticket: FillTicket): void {
    this.stats.upstream++;
    this.inFlight.set(key, { done, ticket });
    const forget = () => {
      if (this.inFlight.get(key)?.done === done) this.inFlight.delete(key);
    };
    done.then(forget, forget);
  }

  private async keep(key: string, answer: CachedAnswer): Promise<void> {
    if (cacheable(answer)) await this.store.set(key, answer, this.options.lifetimeMs);
  }
}

/**
 * Only a whole, successful JSON answer the gateway called public is kept: an error, a refusal, a partial
 * answer or an answer to anything but an anonymous query is never served again.
 */
export function cacheable(answer: CachedAnswer): boolean {
  if (!answer.shared || answer.status !== 200 || !answer.contentType.includes('json')) return false;
  try {
    const parsed = JSON.parse(answer.body) as { data?: unknown; errors?: unknown };
    return parsed.data !== undefined && parsed.data !== null && parsed.errors === undefined;
  } catch {
    return false;
  }
}

/**
 * The cache key of a read the edge may answer from the cache, or undefined. Only a POST to /graphql
 * without credentials (no Authorization, no cookie: what the gateway serves as anonymous) is eligible;
 * the key is the exact body and the headers that change the answer's form.
 */
export function anonymousReadKey(req: IncomingMessage, pathname: string, body: Buffer | undefined): string | undefined {
  if (req.method !== 'POST' || pathname !== '/graphql' || !body?.length) return undefined;
  if (req.headers.authorization !== undefined || req.headers.cookie !== undefined) return undefined;
  return createHash('sha256')
    .update(req.headers.accept ?? '')
    .update('\0')
    .update(req.headers['content-type'] ?? '')
    .update('\0')
    .update(body)
    .digest('base64url');
}

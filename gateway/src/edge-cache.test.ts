import { createHash } from 'node:crypto';
import { Env } from '@victori/shared';
import { loadEdgeConfig } from './config.js';
import { cacheable, EdgeCache, FillLane, freshSpread, MemoryAnswerStore, type CachedAnswer, type FillTicket } from './edge-cache.js';

const ok = (n: number, shared = true): CachedAnswer => ({
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ data: { n } }),
  shared,
  storedAt: Date.now(),
});

/** An upstream that answers when told to, counting calls. */
function upstream(answer: (call: number) => CachedAnswer = ok) {
  const waiting: (() => void)[] = [];
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fetch: () => {
      calls++;
      const call = calls;
      return new Promise<CachedAnswer>((resolve) => waiting.push(() => resolve({ ...answer(call), storedAt: Date.now() })));
    },
    answerAll: () => waiting.splice(0).forEach((go) => go()),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("the edge's cache of anonymous reads", () => {
  test('fresh for a fixed share of freshMs per key: 224 keys filled together go stale over a spread, not at once', () => {
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 2000, freshMs: 1500, freshJitter: 0.2 });
    // Keys as anonymousReadKey makes them (sha256, base64url).
    const keys = Array.from({ length: 224 }, (_, i) => createHash('sha256').update(`search ${i}`).digest('base64url'));
    const fresh = keys.map((k) => cache.freshFor(k));
    expect(Math.min(...fresh)).toBeGreaterThanOrEqual(1200);
    expect(Math.max(...fresh)).toBeLessThanOrEqual(1500);
    // Spread over most of the 300 ms: no wave of more than a quarter of the keys in any 30 ms.
    expect(Math.max(...fresh) - Math.min(...fresh)).toBeGreaterThan(250);
    for (let at = 1200; at < 1500; at += 30) expect(fresh.filter((f) => f >= at && f < at + 30).length).toBeLessThan(56);
    // Fixed per key (every replica agrees), and off without jitter.
    expect(keys.map((k) => cache.freshFor(k))).toEqual(fresh);
    expect(freshSpread('abc')).toBe(freshSpread('abc'));
    expect(new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 2000, freshMs: 1500 }).freshFor(keys[0]!)).toBe(1500);
  });

  test('50 identical reads at once: one upstream call, every reader gets its answer', async () => {
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 10_000, freshMs: 5000 });
    const up = upstream();
    const readers = Array.from({ length: 50 }, () => cache.answer('k', up.fetch));
    await settle();
    up.answerAll();
    const answers = await Promise.all(readers);
    expect(up.calls).toBe(1);
    expect(new Set(answers.map((a) => a.answer.body))).toEqual(new Set([JSON.stringify({ data: { n: 1 } })]));
    expect(answers.filter((a) => a.state === 'miss')).toHaveLength(1);
    expect(answers.filter((a) => a.state === 'shared')).toHaveLength(49);
    // And afterwards it is a hit, with no call.
    expect((await cache.answer('k', up.fetch)).state).toBe('hit');
    expect(up.calls).toBe(1);
  });

  test('a stale answer is served at once while exactly one refresh runs; then the new one is served', async () => {
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 60_000, freshMs: 0 });
    const up = upstream();
    const first = cache.answer('k', up.fetch);
    await settle();
    up.answerAll();
    await first;
    // Fresh for 0 ms: every read from now on finds a stale answer; none waits for the refresh.
    const stale = await Promise.all(Array.from({ length: 20 }, () => cache.answer('k', up.fetch)));
    expect(stale.every((a) => a.state === 'stale' && a.answer.body === JSON.stringify({ data: { n: 1 } }))).toBe(true);
    await settle();
    expect(up.calls).toBe(2);
    up.answerAll();
    await settle();
    await settle();
    expect([cache.stats.refreshes, up.calls]).toEqual([1, 2]);
    expect((await cache.answer('k', up.fetch)).answer.body).toBe(JSON.stringify({ data: { n: 2 } }));
  });

  test('nothing older than the lifetime is served: past it, readers wait for a new answer', async () => {
    const store = new MemoryAnswerStore();
    const cache = new EdgeCache(store, { lifetimeMs: 1000, freshMs: 500 });
    await store.set('k', { ...ok(1), storedAt: Date.now() - 1001 }, 60_000);
    const up = upstream(() => ok(2));
    const reader = cache.answer('k', up.fetch);
    await settle();
    up.answerAll();
    expect(await reader).toMatchObject({ state: 'miss', answer: { body: JSON.stringify({ data: { n: 2 } }) } });
  });

  test.each([
    ['an answer the gateway did not call public (signed-in, a mutation)', { ...ok(1), shared: false }],
    ['an answer with errors', { ...ok(1), body: JSON.stringify({ data: null, errors: [{ message: 'x' }] }) }],
    ['a refusal', { ...ok(1), status: 503, body: '{"errors":[]}' }],
    ['a body that is not JSON', { ...ok(1), body: '<html>' }],
  ])('%s is never kept', async (_name, answer) => {
    expect(cacheable(answer)).toBe(false);
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 10_000, freshMs: 10_000 });
    const up = upstream(() => answer);
    const first = cache.answer('k', up.fetch);
    await settle();
    up.answerAll();
    await first;
    const again = cache.answer('k', up.fetch);
    await settle();
    up.answerAll();
    expect((await again).state).toBe('miss');
    expect(up.calls).toBe(2);
  });

  test('readers waiting on an answer that is not public ask for their own', async () => {
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 10_000, freshMs: 10_000 });
    const up = upstream((call) => ok(call, false));
    const readers = [cache.answer('k', up.fetch), cache.answer('k', up.fetch)];
    await settle();
    up.answerAll();
    await settle();
    up.answerAll();
    const [a, b] = await Promise.all(readers);
    expect([a!.state, b!.state]).toEqual(['miss', 'miss']);
    expect(up.calls).toBe(2);
  });
});

describe('the edge cache settings', () => {
  test('on by default (2 s, fresh for the first three quarters less up to 20% per key); 0 turns it off; fresh longer than the lifetime refuses the start', () => {
    expect(loadEdgeConfig(new Env({})).publicCache).toEqual({
      lifetimeMs: 2000,
      freshMs: 1500,
      freshJitter: 0.2,
      fills: { concurrency: 32, maxQueue: 1024, waitMs: 2000 },
    });
    expect(loadEdgeConfig(new Env({ EDGE_PUBLIC_CACHE_FRESH_JITTER_PERCENT: '0' })).publicCache.freshJitter).toBe(0);
    expect(loadEdgeConfig(new Env({ EDGE_PUBLIC_CACHE_MS: '0' })).publicCache.lifetimeMs).toBe(0);
    expect(() => loadEdgeConfig(new Env({ EDGE_PUBLIC_CACHE_MS: '1000', EDGE_PUBLIC_CACHE_FRESH_MS: '2000' }))).toThrow(
      'EDGE_PUBLIC_CACHE_FRESH_MS',
    );
    expect(() => loadEdgeConfig(new Env({ REDIS_URL: 'memcached://x' }))).toThrow('REDIS_URL');
  });
});

describe("the cache fills' lane", () => {
  const lane = (o: Partial<ConstructorParameters<typeof FillLane>[0]> = {}) =>
    new FillLane({ concurrency: 2, classShare: 1, maxQueue: 100, waitMs: 10_000, ...o });
  const urgent = (): FillTicket => ({ urgent: true });

  test('a cold start of 40 keys: 2 fills at a time, every one admitted in order, none refused', async () => {
    const l = lane();
    const order: number[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const release = await l.enter('booking', urgent());
        expect(release).toBeDefined();
        running++;
        most = Math.max(most, running);
        order.push(i);
        await settle();
        running--;
        release!();
      }),
    );
    expect(most).toBe(2);
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(l.stats.refused + l.stats.expired).toBe(0);
  });

  test('misses go before refreshes; a refresh a reader joins moves up', async () => {
    const l = lane({ concurrency: 1 });
    const first = (await l.enter('a', urgent()))!;
    const started: string[] = [];
    const refresh2: FillTicket = { urgent: false };
    const run = (name: string) => (release: (() => void) | undefined) => {
      started.push(name);
      setImmediate(release!);
    };
    const waits = [
      l.enter('a', { urgent: false }).then(run('refresh 1')),
      l.enter('a', refresh2).then(run('refresh 2')),
      l.enter('a', urgent()).then(run('miss')),
    ];
    // A reader joins the second refresh: it goes after the waiting miss, before the other refresh.
    refresh2.urgent = true;
    refresh2.onUrgent!();
    first();
    await Promise.all(waits);
    expect(started).toEqual(['miss', 'refresh 2', 'refresh 1']);
  });

  test("one class holds at most its share: another class's fill starts while the first is full", async () => {
    const l = lane({ concurrency: 4, classShare: 0.5 });
    const hung = [(await l.enter('inventory', urgent()))!, (await l.enter('inventory', urgent()))!];
    let third = false;
    void l.enter('inventory', urgent()).then(() => (third = true));
    const other = await l.enter('reporting', urgent());
    expect(other).toBeDefined();
    await settle();
    expect(third).toBe(false);
    hung[0]!();
    await settle();
    expect(third).toBe(true);
  });

  test('refused when the queue is full, or after waiting longer than waitMs', async () => {
    const l = lane({ concurrency: 1, maxQueue: 1, waitMs: 20 });
    const held = await l.enter('a', urgent());
    const waiting = l.enter('a', urgent());
    expect(await l.enter('a', urgent())).toBeUndefined();
    expect(await waiting).toBeUndefined();
    expect(l.stats).toMatchObject({ refused: 1, expired: 1 });
    held!();
  });
});

describe('a refresh readers join', () => {
  test('when the stale answer expires while its refresh waits, the readers join it and the refresh becomes urgent', async () => {
    const cache = new EdgeCache(new MemoryAnswerStore(), { lifetimeMs: 50, freshMs: 0 });
    const tickets: FillTicket[] = [];
    const up = upstream();
    const fetch = (t: FillTicket) => (tickets.push(t), up.fetch());
    const first = cache.answer('k', fetch);
    await settle();
    up.answerAll();
    await first;
    expect((await cache.answer('k', fetch)).state).toBe('stale');
    expect(tickets.map((t) => t.urgent)).toEqual([true, false]);
    await new Promise((r) => setTimeout(r, 60));
    const reader = cache.answer('k', fetch);
    await settle();
    expect(tickets[1]!.urgent).toBe(true);
    up.answerAll();
    expect((await reader).state).toBe('shared');
    expect(up.calls).toBe(2);
  });
});

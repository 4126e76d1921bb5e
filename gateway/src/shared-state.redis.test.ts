import { createLogger, SharedRedis } from '@victori/shared';
import { RedisCut, testRedis } from '@victori/shared/testing';
import { classifyBodyShared, MutationHashes } from './edge.js';
import { EdgeCache, RedisAnswerStore, type CachedAnswer } from './edge-cache.js';
import { PublicResponseCache } from './public-cache.js';
import { persistedQueryStore, sha256, TrustedDocuments } from './trusted-documents.js';

const logger = createLogger('test', 'silent');
const redis = testRedis('gwstate');
const opened: SharedRedis[] = [];
const replica = async (url = redis.url): Promise<SharedRedis> => {
  const r = SharedRedis.connect({ ...redis.settings, url }, logger);
  opened.push(r);
  await r.ready;
  return r;
};
const body = (value: unknown): string => JSON.stringify(value);
const answer = (n: number): CachedAnswer => ({
  status: 200,
  contentType: 'application/json',
  body: body({ data: { n } }),
  shared: true,
  storedAt: Date.now(),
});

afterAll(async () => {
  for (const r of opened) await r.close();
  await redis.cleanup();
  expect(await redis.keys()).toEqual([]);
});

describe('state two gateway or edge replicas share through Redis', () => {
  test('a persisted query registered at one gateway is found by hash alone at another; the manifest still comes first', async () => {
    const query = '{ areas { code } }';
    const key = `apq:${sha256(query)}`;
    const manifest = TrustedDocuments.fromJson(body(['{ facilities { code } }']));
    const [a, b] = [persistedQueryStore(manifest, await replica()), persistedQueryStore(manifest, await replica())];
    expect(await b.get(key)).toBeUndefined();
    await a.set(key, query, { ttl: 300 });
    expect(await b.get(key)).toBe(query);
    expect(await b.get(`apq:${sha256('{ facilities { code } }')}`)).toBe('{ facilities { code } }');
    // The manifest's own documents are never written to Redis.
    await a.set(`apq:${sha256('{ facilities { code } }')}`, '{ facilities { code } }');
    expect((await redis.keys()).filter((k) => k.includes(':apq:'))).toEqual([`${redis.prefix}apq:${sha256(query)}`]);
  });

  test('with Redis unreachable, a registration is kept by the gateway that got it (the client resends its text elsewhere)', async () => {
    const line = await RedisCut.open(redis.url);
    const store = persistedQueryStore(undefined, await replica(line.url));
    await line.cut();
    await store.set('apq:abc', '{ areas { name } }');
    expect(await store.get('apq:abc')).toBe('{ areas { name } }');
    await line.close();
  });

  test('a booking registered by hash at one edge is admitted as a booking by hash alone at the other', async () => {
    const [one, two] = [new MutationHashes(100, await replica()), new MutationHashes(100, await replica())];
    const ext = { persistedQuery: { version: 1, sha256Hash: 'b00c' } };
    expect(await classifyBodyShared(body({ extensions: ext }), two)).toBe('read');
    expect(await classifyBodyShared(body({ query: 'mutation { bookAppointment { id } }', extensions: ext }), one)).toBe('write');
    // The other edge asked about this hash less than 10 s ago; a fresh replica asks Redis at once.
    const three = new MutationHashes(100, await replica());
    await until(async () => (await classifyBodyShared(body({ extensions: ext }), three)) === 'write');
    // Reads sent by hash stay reads.
    expect(await classifyBodyShared(body({ extensions: { persistedQuery: { version: 1, sha256Hash: 'feed' } } }), three)).toBe('read');
  });

  test('two edges on one Redis: one stores, the other serves it; a stale entry is refreshed by one of them', async () => {
    const options = { lifetimeMs: 60_000, freshMs: 60_000 };
    const [a, b] = [
      new EdgeCache(new RedisAnswerStore(await replica()), options),
      new EdgeCache(new RedisAnswerStore(await replica()), options),
    ];
    let calls = 0;
    const fetch = async () => answer(++calls);
    expect((await a.answer('k', fetch)).state).toBe('miss');
    expect(await b.answer('k', fetch)).toMatchObject({ state: 'hit', answer: { body: body({ data: { n: 1 } }) } });
    expect(calls).toBe(1);
    // Stale for both (fresh 0): each serves it at once; the refresh claim lets only one of them call.
    const staleA = new EdgeCache(a.store, { lifetimeMs: 60_000, freshMs: 0 });
    const staleB = new EdgeCache(b.store, { lifetimeMs: 60_000, freshMs: 0 });
    const served = await Promise.all([
      staleA.answer('k', fetch),
      staleB.answer('k', fetch),
      staleA.answer('k', fetch),
      staleB.answer('k', fetch),
    ]);
    expect(served.every((s) => s.state === 'stale')).toBe(true);
    await until(async () => (await b.answer('k', fetch)).answer.body === body({ data: { n: 2 } }));
    expect(calls).toBe(2);
    expect(staleA.stats.refreshes + staleB.stats.refreshes).toBe(1);
  });

  test("the gateway's short cache of public answers is one for every gateway replica, and its own memory without Redis", async () => {
    const line = await RedisCut.open(redis.url);
    const [a, b] = [new PublicResponseCache(60_000, 100, await replica()), new PublicResponseCache(60_000, 100, await replica(line.url))];
    await a.set('q', { data: { areas: [] } });
    expect((await b.get('q'))?.body).toEqual({ data: { areas: [] } });
    await line.cut();
    expect(await b.get('q')).toBeUndefined();
    await b.set('q', { data: { areas: ['local'] } });
    expect((await b.get('q'))?.body).toEqual({ data: { areas: ['local'] } });
    await line.close();
  });

  test('Redis lost mid-run: the edge cache goes on in its own memory, and nobody waits on Redis', async () => {
    const line = await RedisCut.open(redis.url);
    const store = new RedisAnswerStore(await replica(line.url));
    const cache = new EdgeCache(store, { lifetimeMs: 60_000, freshMs: 60_000 });
    let calls = 0;
    const fetch = async () => answer(++calls);
    expect((await cache.answer('cut', fetch)).state).toBe('miss');
    await line.cut();
    const started = Date.now();
    // What this edge stored is still here; a new read is asked once and kept here.
    expect((await cache.answer('cut', fetch)).state).toBe('hit');
    expect((await cache.answer('new', fetch)).state).toBe('miss');
    expect((await cache.answer('new', fetch)).state).toBe('hit');
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.fallbacks).toBeGreaterThan(0);
    await line.close();
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { createHash } from 'node:crypto';
import { QueryCounter } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

describe('public reads at the gateway', () => {
  let platform: TestPlatform;
  const bookingQueries = new QueryCounter();
  beforeAll(async () => {
    platform = await startTestPlatform('gwspeed', {
      background: false,
      queryCounters: { booking: bookingQueries },
      gatewayEnv: { GATEWAY_PUBLIC_CACHE_MS: '60000' },
    });
  });
  afterAll(async () => platform?.close());

  test('an anonymous query is answered from the short-lived cache the second time', async () => {
    const query = `{ facilities(type: HOSPITAL) { edges { node { name } } } }`;
    bookingQueries.reset();
    const first = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const firstBody = await first.json();
    bookingQueries.reset();
    const second = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(second.headers.get('age')).not.toBeNull();
    expect(await second.json()).toEqual(firstBody);
    expect(bookingQueries.count).toBe(0);
  });

  test("a request that asks to revalidate (cache-control: no-cache, as the edge's cache fills) is answered afresh, and stored for the next", async () => {
    const query = `{ facilities(type: PUSKESMAS) { edges { node { name } } } }`;
    const ask = (headers: Record<string, string> = {}) =>
      fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
    await (await ask()).json();
    bookingQueries.reset();
    const fresh = await ask({ 'cache-control': 'no-cache' });
    await fresh.json();
    // Executed (the booking subgraph was asked), not served from the cache: no age.
    expect([fresh.headers.get('age'), fresh.headers.get('cache-control')]).toEqual([null, 'public, max-age=60']);
    expect(bookingQueries.count).toBeGreaterThan(0);
    bookingQueries.reset();
    const after = await ask();
    await after.json();
    expect(after.headers.get('age')).not.toBeNull();
    expect(bookingQueries.count).toBe(0);
  });

  test('authenticated requests and errors are never cached', async () => {
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    await gql(platform.gatewayUrl, `{ facilities(type: CLINIC) { edges { node { name } } } }`, {}, { token: admin });
    bookingQueries.reset();
    await gql(platform.gatewayUrl, `{ facilities(type: CLINIC) { edges { node { name } } } }`, {}, { token: admin });
    expect(bookingQueries.count).toBeGreaterThan(0);
    const a = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ facility(id: "00000000-0000-4000-8000-00000000abcd") { name } }` }),
    });
    expect(a.headers.get('cache-control') ?? '').not.toContain('public');
    bookingQueries.reset();
    await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ facility(id: "00000000-0000-4000-8000-00000000abcd") { name } }` }),
    });
    expect(bookingQueries.count).toBeGreaterThan(0);
  });

  test('automatic persisted queries: a mobile client can send only the hash once the query is known', async () => {
    const query = `{ facilities(type: POSYANDU) { edges { node { code } } } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: ext }),
    });
    expect(((await unknown.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    const register = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: ext }),
    });
    expect(register.status).toBe(200);
    const byHash = await fetch(`${platform.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify(ext))}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    const body = (await byHash.json()) as { data: { facilities: { edges: { node: { code: string } }[] } } };
    expect(body.data.facilities.edges.map((e) => e.node.code).sort()).toEqual(['POSYANDU-KEMBANGSARI', 'POSYANDU-PEDALANGAN']);
  });
});

describe('identical in-flight subgraph queries are shared', () => {
  let platform: TestPlatform;
  const bookingQueries = new QueryCounter();
  beforeAll(async () => {
    platform = await startTestPlatform('gwdedupe', { background: false, queryCounters: { booking: bookingQueries }, seed: true });
  });
  afterAll(async () => platform?.close());

  test('20 identical concurrent queries reach the subgraph far fewer than 20 times', async () => {
    bookingQueries.reset();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql<{ facilities: { edges: unknown[] } }>(platform.gatewayUrl, `{ facilities { edges { node { id name } } } }`),
      ),
    );
    expect(results.every((r) => r.data!.facilities.edges.length > 20)).toBe(true);
    expect(bookingQueries.count).toBeLessThanOrEqual(10);
  });
});

describe('admission control', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('gwadmit', {
      background: false,
      seed: true,
      gatewayEnv: { GATEWAY_READ_MAX_CONCURRENT: '1', GATEWAY_READ_MAX_QUEUE: '0', GATEWAY_DEDUPE: 'false' },
    });
  });
  afterAll(async () => platform?.close());

  test('reads beyond the bound are refused at once with OVERLOADED and Retry-After; the rest are served', async () => {
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const t = performance.now();
        const res = await fetch(platform.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ facilities { edges { node { id name area { name } } } } }` }),
        });
        return {
          res,
          body: (await res.json()) as { data?: unknown; errors?: { extensions: { code: string; messageEn: string } }[] },
          ms: performance.now() - t,
        };
      }),
    );
    const refused = responses.filter((r) => r.res.status === 503);
    const served = responses.filter((r) => r.res.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length + served.length).toBe(20);
    for (const r of refused) {
      expect(r.body.errors![0]!.extensions.code).toBe('OVERLOADED');
      expect(r.res.headers.get('retry-after')).toBe('1');
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('/metrics shows the refusals, the bound in force and how late the event loop ran since the last scrape', async () => {
    type Metrics = {
      eventLoopDelayMs: { p50: number; p99: number; max: number };
      rssMiB: number;
      admission: { read: { limit: number; refused: number } };
    };
    const scrape = async (): Promise<Metrics> => (await (await fetch(new URL('/metrics.json', platform.gatewayUrl))).json()) as Metrics;
    await scrape();
    // Block the loop the gateway runs on (in process here) for 150 ms, as a burst of work would.
    const until = performance.now() + 150;
    while (performance.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const blocked = await scrape();
    expect(blocked.eventLoopDelayMs.max).toBeGreaterThan(100);
    expect(blocked.admission.read.limit).toBe(1);
    expect(blocked.admission.read.refused).toBeGreaterThan(0);
    expect(blocked.rssMiB).toBeGreaterThan(10);
    // The delay is per scrape: a quiet interval reads low again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await scrape()).eventLoopDelayMs.max).toBeLessThan(100);
  });
});

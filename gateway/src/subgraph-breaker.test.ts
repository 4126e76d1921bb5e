import type { SubgraphCall, SubgraphSend } from './fetcher.js';
import { CircuitBreaker, guardSubgraphFetch } from './subgraph-breaker.js';

const options = { timeoutMs: 50, mutationTimeoutMs: 200, failureThreshold: 2, openMs: 100 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A subgraph stand-in: answers after `delay` ms (or never, when the signal aborts first). */
function upstream(delay: () => number, status = 200): SubgraphSend {
  return (call: SubgraphCall) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => resolve({ status, statusText: '', headers: { 'content-type': 'application/json' }, body: '{"data":{}}' }),
        delay(),
      );
      call.cancel?.onAbort(() => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
}

const codeOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'OK',
    (e: { extensions?: { code?: unknown; serviceName?: unknown; reason?: unknown } }) =>
      `${String(e.extensions?.code)}:${String(e.extensions?.serviceName)}:${String(e.extensions?.reason)}`,
  );

describe('a subgraph call with a timeout and a circuit breaker', () => {
  test('a slow subgraph fails at the timeout, then fast while the breaker is open, and is tried again after it', async () => {
    let delay = 1000;
    const breaker = new CircuitBreaker(options);
    const call = guardSubgraphFetch(
      'inventory',
      upstream(() => delay),
      options,
      breaker,
    );
    const query = { headers: {}, body: '{"query":"{ x }"}' };
    const started = performance.now();
    expect(await codeOf(call(query))).toBe('SUBGRAPH_UNAVAILABLE:inventory:timeout');
    expect(performance.now() - started).toBeLessThan(500);
    expect(await codeOf(call(query))).toBe('SUBGRAPH_UNAVAILABLE:inventory:timeout');
    expect(breaker.state).toBe('open');
    const fast = performance.now();
    expect(await codeOf(call(query))).toBe('SUBGRAPH_UNAVAILABLE:inventory:breaker-open');
    expect(performance.now() - fast).toBeLessThan(20);
    delay = 1;
    await sleep(120);
    expect(breaker.state).toBe('half-open');
    expect(await codeOf(call(query))).toBe('OK');
    expect(breaker.state).toBe('closed');
  });

  test('a mutation gets its own, longer timeout', async () => {
    const breaker = new CircuitBreaker(options);
    const call = guardSubgraphFetch(
      'booking',
      upstream(() => 100),
      options,
      breaker,
    );
    expect(await codeOf(call({ headers: {}, body: '{"query":"mutation { y }"}' }))).toBe('OK');
    expect(await codeOf(call({ headers: {}, body: '{"query":"{ y }"}' }))).toBe('SUBGRAPH_UNAVAILABLE:booking:timeout');
  });

  test('a 503 with GraphQL errors is an answer (a subgraph whose database is gone); another 5xx is a failure', async () => {
    const breaker = new CircuitBreaker(options);
    const typed = guardSubgraphFetch(
      'booking',
      async () => ({
        status: 503,
        statusText: 'Service Unavailable',
        headers: {},
        body: '{"errors":[{"message":"x","extensions":{"code":"UNAVAILABLE"}}]}',
      }),
      options,
      breaker,
    );
    expect((await typed({ headers: {}, body: '{}' })).status).toBe(200);
    const broken = guardSubgraphFetch(
      'booking',
      upstream(() => 1, 502),
      options,
      breaker,
    );
    expect(await codeOf(broken({ headers: {}, body: '{}' }))).toBe('SUBGRAPH_UNAVAILABLE:booking:server-error');
  });
});

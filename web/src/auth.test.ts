import { Client, fetchExchange } from '@urql/core';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';

// Node has no localStorage: a plain one, as the browser's.
const store = new Map<string, string>();
globalThis.localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
  clear: () => store.clear(),
  key: () => null,
  length: 0,
} as Storage;

const { auth } = await import('./auth.js');

const session = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  account: { id: 'a1', role: 'STAFF', phone: null, displayName: 'Nakes' },
});

/** A client whose edge answers each refresh with the next scripted response. */
function clientAnswering(...answers: (() => Response)[]) {
  const sent: string[] = [];
  const fetchFn = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    sent.push((JSON.parse(init!.body as string) as { variables: { refreshToken: string } }).variables.refreshToken);
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next();
  }) as typeof globalThis.fetch;
  return {
    client: new Client({ url: 'http://edge.test/graphql', exchanges: [fetchExchange], fetch: fetchFn, preferGetMethod: false }),
    sent,
  };
}
const refused = (code: string, status: number) => () =>
  Response.json({ errors: [{ message: 'refused', extensions: { code } }] }, { status });
const refreshed = (n: number) => () => Response.json({ data: { refreshSession: session(n) } });

beforeEach(() => {
  vi.useFakeTimers();
  store.clear();
  auth.set(undefined);
});
afterEach(() => vi.useRealTimers());

test('an overloaded edge or a service down does not sign the worker out: the refresh is tried again and succeeds', async () => {
  store.set('victori.refresh', 'refresh-0');
  const { client, sent } = clientAnswering(refused('OVERLOADED', 503), refused('UNAVAILABLE', 200), refreshed(1));
  await auth.refresh(client);
  expect(auth.current).toBeUndefined();
  expect(store.get('victori.refresh')).toBe('refresh-0'); // kept for the next try
  await vi.advanceTimersByTimeAsync(1_000); // second try after 1 s: UNAVAILABLE
  expect(store.get('victori.refresh')).toBe('refresh-0');
  await vi.advanceTimersByTimeAsync(2_000); // third try after 2 s more: a new session
  expect(auth.current?.accessToken).toBe('access-1');
  expect(store.get('victori.refresh')).toBe('refresh-1');
  expect(sent).toEqual(['refresh-0', 'refresh-0', 'refresh-0']);
});

test('no network keeps the refresh token too', async () => {
  store.set('victori.refresh', 'refresh-0');
  const { client } = clientAnswering();
  await auth.refresh(client);
  expect(store.get('victori.refresh')).toBe('refresh-0');
});

test('the identity service saying UNAUTHENTICATED (expired, unknown or reused token) signs out and forgets the token', async () => {
  store.set('victori.refresh', 'refresh-0');
  const { client, sent } = clientAnswering(refused('UNAUTHENTICATED', 200));
  const seen: unknown[] = [];
  const stop = auth.subscribe((s) => seen.push(s));
  await auth.refresh(client);
  stop();
  expect(auth.current).toBeUndefined();
  expect(store.has('victori.refresh')).toBe(false);
  expect(seen).toEqual([undefined]);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(sent).toHaveLength(1); // no retry after a verdict
});

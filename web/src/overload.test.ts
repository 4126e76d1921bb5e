import { describe, expect, test } from 'vitest';
import { overloadRetryingFetch, parseRetryAfter, retryDelayMs } from './overload.js';

describe('overload retry', () => {
  test('Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5_000)).toBe(5);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  test('waits at least Retry-After, doubles per refusal up to 8 s, with up to 50 % jitter', () => {
    expect(retryDelayMs(1, 1, () => 0)).toBe(1000);
    expect(retryDelayMs(1, 1, () => 0.999)).toBe(1500);
    expect(retryDelayMs(1, 3, () => 0)).toBe(4000);
    expect(retryDelayMs(1, 10, () => 0)).toBe(8000);
    expect(retryDelayMs(20, 1, () => 0)).toBe(20000);
  });

  test('the same request (body and Idempotency-Key) is sent again until admitted; the screen hears each wait', async () => {
    const sent: RequestInit[] = [];
    const answers = [503, 503, 200];
    const inner = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(init!);
      const status = answers.shift()!;
      return new Response(status === 200 ? '{"data":{}}' : '{}', { status, headers: status === 503 ? { 'retry-after': '1' } : {} });
    }) as typeof fetch;
    const notices: (number | undefined)[] = [];
    const waits: number[] = [];
    const f = overloadRetryingFetch(inner, (n) => notices.push(n.retryAt), {
      random: () => 0.5,
      wait: async (ms) => void waits.push(ms),
    });
    const init = { method: 'POST', body: '{"query":"mutation"}', headers: { 'idempotency-key': 'k-1' } };
    const res = await f('/graphql', init);
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify(init)]));
    expect(waits).toEqual([1250, 2500]);
    expect(notices.slice(0, 2).every((n) => typeof n === 'number')).toBe(true);
    expect(notices.at(-1)).toBeUndefined();
  });

  test('gives up after the last attempt and hands the refusal back', async () => {
    let calls = 0;
    const inner = (async () => {
      calls++;
      return new Response('{}', { status: 503 });
    }) as typeof fetch;
    const res = await overloadRetryingFetch(inner, () => undefined, { maxAttempts: 3, wait: async () => undefined })('/graphql', {});
    expect(res.status).toBe(503);
    expect(calls).toBe(3);
  });
});

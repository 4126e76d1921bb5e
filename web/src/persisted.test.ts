import { expect, test } from 'vitest';
import { persistedFetch, sha256Hex } from './persisted.js';

test('sends the hash alone, and the document once only when the gateway does not know the hash', async () => {
  const bodies: Record<string, unknown>[] = [];
  const known = new Set<string>();
  const inner = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(init!.body as string) as { query?: string; extensions: { persistedQuery: { sha256Hash: string } } };
    bodies.push(body);
    const hash = body.extensions.persistedQuery.sha256Hash;
    if (body.query) known.add(hash);
    if (!known.has(hash))
      return Response.json({ errors: [{ message: 'Kueri tersimpan tidak ditemukan', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    return Response.json({ data: { ok: true } });
  }) as typeof fetch;
  const f = persistedFetch(inner);
  const query = '{ areas { code } }';
  const init = { method: 'POST', body: JSON.stringify({ query, variables: {} }) };
  expect(await (await f('/graphql', init)).json()).toEqual({ data: { ok: true } });
  expect(await (await f('/graphql', init)).json()).toEqual({ data: { ok: true } });
  const hash = await sha256Hex(query);
  expect(bodies.map((b) => ('query' in b ? 'full' : 'hash'))).toEqual(['hash', 'full', 'hash']);
  expect(bodies.every((b) => (b.extensions as { persistedQuery: { sha256Hash: string } }).persistedQuery.sha256Hash === hash)).toBe(true);
});

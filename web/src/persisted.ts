/**
 * Persisted documents at the fetch level: every operation goes as its sha256 hash alone (the text urql
 * would send, the same key as dist/persisted-documents.json). Only when the gateway answers
 * PERSISTED_QUERY_NOT_FOUND (APQ, before the trusted-documents manifest is loaded) is the same request
 * sent once more with the document, which registers it. Told apart by extensions.code, not by message:
 * the gateway localises messages.
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Body {
  query?: string;
  operationName?: string;
  variables?: unknown;
  extensions?: Record<string, unknown>;
}

const notFound = (json: unknown): boolean =>
  !!json &&
  typeof json === 'object' &&
  Array.isArray((json as { errors?: unknown }).errors) &&
  (json as { errors: { extensions?: { code?: string } }[] }).errors.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND');

export function persistedFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body !== 'string') return inner(input, init);
    const body = JSON.parse(init.body) as Body;
    if (typeof body.query !== 'string') return inner(input, init);
    const persistedQuery = { version: 1, sha256Hash: await sha256Hex(body.query) };
    const { query, ...rest } = body;
    const hashOnly = JSON.stringify({ ...rest, extensions: { ...rest.extensions, persistedQuery } });
    const first = await inner(input, { ...init, body: hashOnly });
    if (!first.ok && first.status !== 400 && first.status !== 404) return first;
    const json: unknown = await first
      .clone()
      .json()
      .catch(() => undefined);
    if (!notFound(json)) return first;
    return inner(input, { ...init, body: JSON.stringify({ ...rest, query, extensions: { ...rest.extensions, persistedQuery } }) });
  };
}

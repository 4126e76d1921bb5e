import { HEADER_CLAIMS } from '@victori/shared';

type Fetch = typeof globalThis.fetch;

/**
 * A fetcher that lets identical in-flight subgraph queries share one request (same subgraph, same
 * body, same forwarded identity). Mutations are never shared. Uses globalThis.fetch: undici keeps
 * connections to subgraphs alive and pooled (and avoids apollographql/federation#2313). With
 * `keepAlive: false` every subgraph request asks for its connection to be closed (`connection:
 * close`, which undici honours), so the benchmark can measure what connection reuse is worth.
 */
export function createSubgraphFetcher(options: { dedupe: boolean; keepAlive?: boolean }): Fetch {
  const inFlight = new Map<string, Promise<{ status: number; headers: [string, string][]; body: string }>>();
  const send: Fetch =
    options.keepAlive === false
      ? (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('connection', 'close');
          return globalThis.fetch(input, { ...init, headers });
        }
      : (input, init) => globalThis.fetch(input, init);
  const fetcher = async (input: Parameters<Fetch>[0], init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    if (!options.dedupe || !body || init?.method !== 'POST' || isMutation(body)) return send(input, init);
    const headers = new Headers(init.headers);
    const key = `${String(input)}\n${headers.get(HEADER_CLAIMS) ?? ''}\n${body}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = (async () => {
        try {
          const res = await send(input, init);
          return { status: res.status, headers: [...res.headers.entries()], body: await res.text() };
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, shared);
    }
    const result = await shared;
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
  return fetcher as Fetch;
}

function isMutation(body: string): boolean {
  const match = /"query"\s*:\s*"\s*(\w+)/.exec(body);
  return match?.[1] === 'mutation' || match?.[1] === 'subscription';
}

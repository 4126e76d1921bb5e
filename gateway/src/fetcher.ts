import { STATUS_CODES } from 'node:http';
import { HEADER_CLAIMS } from '@victori/shared';
import { Pool, util, type Dispatcher } from 'undici';

/** One GraphQL request to a subgraph: the JSON body and the headers (lower-case names). */
export interface SubgraphCall {
  body: string;
  headers: Record<string, string>;
  /** Whether the operation is a mutation (or subscription): never shared, and given the longer timeout. */
  mutation?: boolean;
  /** Aborts the call (the guard's timeout). */
  cancel?: Cancel;
}

/**
 * A call's abort switch with one listener, the transport's: what the guard's timeout needs of an
 * AbortController, without its EventTarget and AbortSignal (those were 1.3% of the gateway's CPU).
 */
export class Cancel {
  aborted = false;
  private listener: (() => void) | undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.listener?.();
  }

  /** Calls `listener` on abort (at once if aborted already); undefined removes it. */
  onAbort(listener: (() => void) | undefined): void {
    this.listener = listener;
    if (listener && this.aborted) listener();
  }
}

/** The error a cancelled call fails with. */
export const cancelled = (): Error => Object.assign(new Error('subgraph call aborted'), { name: 'AbortError' });

/** A subgraph's whole answer, its body read to the end. */
export interface SubgraphAnswer {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type SubgraphSend = (call: SubgraphCall) => Promise<SubgraphAnswer>;

export function isMutationBody(body: string): boolean {
  return /"query"\s*:\s*"\s*(mutation|subscription)\b/.test(body);
}

/**
 * POSTs to one subgraph over undici's connection pool with its dispatcher API: the answer is collected as
 * Buffers and decoded once, with no WHATWG Request, Response, Headers or stream per call (measured: the
 * subgraph calls through globalThis.fetch, wrapped twice in a new Response, were 8% of the gateway's CPU
 * per availability read, with node-fetch's Request and the answer's web stream another 6%). Connections
 * stay alive and pooled (as with fetch, this avoids apollographql/federation#2313). With `keepAlive:
 * false` every request asks for its connection to be closed (`connection: close`), so the benchmark can
 * measure what connection reuse is worth.
 */
export function subgraphTransport(url: string, options: { keepAlive?: boolean } = {}): SubgraphSend & { close(): Promise<void> } {
  const target = new URL(url);
  // The subgraphs keep idle connections 65 s (listenHttp); ours stay 60 s, so the server never closes first.
  const pool = new Pool(target.origin, { keepAliveTimeout: 60_000 });
  const path = `${target.pathname}${target.search}`;
  const close = options.keepAlive === false;
  const send = (call: SubgraphCall): Promise<SubgraphAnswer> =>
    new Promise((resolve, reject) => {
      const { cancel } = call;
      if (cancel?.aborted) return reject(cancelled());
      const chunks: Buffer[] = [];
      let status = 0;
      let statusText = '';
      let headers: Record<string, string | string[] | undefined> = {};
      let settled = false;
      let abortDispatch: ((error: Error) => void) | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        cancel?.onAbort(undefined);
        return true;
      };
      // A cancel fails the call at once, also while it still waits for a connection (undici hands over
      // its abort only once the request is on a socket), and stops the request when it is on one.
      cancel?.onAbort(() => {
        abortDispatch?.(cancelled());
        if (settle()) reject(cancelled());
      });
      const handler: Dispatcher.DispatchHandler = {
        onConnect(abort) {
          if (settled) abort(cancelled());
          else abortDispatch = abort;
        },
        onHeaders(statusCode, rawHeaders, _resume, message) {
          status = statusCode;
          statusText = message || STATUS_CODES[statusCode] || '';
          headers = util.parseHeaders(rawHeaders as unknown as Buffer[]) as Record<string, string | string[] | undefined>;
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          if (!settle()) return;
          resolve({
            status,
            statusText,
            headers,
            body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
          });
        },
        onError(error) {
          if (settle()) reject(error);
        },
      };
      pool.dispatch(
        {
          origin: target.origin,
          path,
          method: 'POST',
          headers: close ? { ...call.headers, connection: 'close' } : call.headers,
          body: call.body,
        },
        handler,
      );
    });
  return Object.assign(send, { close: () => pool.close() });
}

/**
 * Lets identical in-flight subgraph queries share one request (same subgraph, same body, same forwarded
 * identity): every caller gets the same answer, each parses it into its own data. Mutations are never shared.
 */
export function dedupeInFlight(send: SubgraphSend): SubgraphSend {
  const inFlight = new Map<string, Promise<SubgraphAnswer>>();
  return (call) => {
    if (call.mutation ?? isMutationBody(call.body)) return send(call);
    const key = `${call.headers[HEADER_CLAIMS] ?? ''}\n${call.body}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = send(call).finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return shared;
  };
}

import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { encodeClaims, HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, signClaims, type RequestInfo } from '@victori/shared';
import { GraphQLError } from 'graphql';
import { parseCacheControl } from './cache-control.js';
import { isMutationBody, type SubgraphAnswer, type SubgraphSend } from './fetcher.js';
import type { GatewayContext } from './gateway.js';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const header = (answer: SubgraphAnswer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * The signed identity headers of a request, made once per request for all its subgraph calls (an
 * availability read calls two): the claims encoded (once for all anonymous callers, who share one claims
 * object) and signed with the request id.
 */
export class ForwardedIdentity {
  private readonly signed = new WeakMap<RequestInfo, { claims: string; signature: string }>();
  private lastClaims: unknown;
  private lastEncoded = '';

  constructor(private readonly secret: string) {}

  of(info: RequestInfo): { claims: string; signature: string } {
    let identity = this.signed.get(info);
    if (!identity) {
      if (info.claims !== this.lastClaims) {
        this.lastEncoded = encodeClaims(info.claims);
        this.lastClaims = info.claims;
      }
      identity = { claims: this.lastEncoded, signature: signClaims(this.secret, info.requestId, this.lastEncoded) };
      this.signed.set(info, identity);
    }
    return identity;
  }
}

/**
 * A subgraph as Apollo Gateway calls it: what RemoteGraphQLDataSource does for us (the same request body,
 * the same errors for an answer that is not 2xx or not JSON, the subgraph's cache-control hint) over our
 * own transport (fetcher.ts: timeout, breaker, in-flight sharing), without node-fetch's Headers and
 * Request per call. Signs the verified claims for the subgraph with the request id; forwards the client's
 * address and Idempotency-Key. A subgraph that failed is logged with the request id and the service;
 * the query goes on without it.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly url: string,
    private readonly identity: ForwardedIdentity,
    private readonly serviceName: string,
    private readonly send: SubgraphSend,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = {};
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    const info = (options.context as Partial<GatewayContext> | undefined)?.request;
    if (info) {
      const identity = this.identity.of(info);
      headers[HEADER_REQUEST_ID] = info.requestId;
      headers[HEADER_CLAIMS] = identity.claims;
      headers[HEADER_SIGNATURE] = identity.signature;
      // Forwarded so subgraphs can make writes idempotent and rate-limit per client.
      const key = info.headers['idempotency-key'];
      if (typeof key === 'string') headers['idempotency-key'] = key;
      headers['x-forwarded-for'] = info.ip;
    }
    // The body RemoteGraphQLDataSource sends: the request without its http part, the query first.
    const body = JSON.stringify({ ...request, http: undefined });
    let result: GatewayResponse;
    try {
      const answer = await this.send({ body, headers, mutation: isMutationBody(body) });
      if (answer.status < 200 || answer.status > 299) throw errorFromAnswer(this.url, answer);
      const parsed = parseAnswer(answer);
      if (parsed === null || typeof parsed !== 'object') throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
      result = parsed as GatewayResponse;
      this.restrictCachePolicy(options, answer);
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown; reason?: unknown } }).extensions;
      info?.logger.warn({ serviceName: this.serviceName, code: code?.code, reason: code?.reason }, 'subgraph unavailable');
      throw error;
    }
    return result;
  }

  /** The subgraph's cache-control narrows the whole answer's cache policy (RemoteGraphQLDataSource's rule). */
  private restrictCachePolicy(options: GraphQLDataSourceProcessOptions<GatewayContext>, answer: SubgraphAnswer): void {
    // Only an incoming operation has a request context (not a health check or a schema load).
    if (!('incomingRequestContext' in options)) return;
    const policy = options.incomingRequestContext.overallCachePolicy;
    if (!policy || !('restrict' in policy)) return;
    const parsed = parseCacheControl(header(answer, 'cache-control'));
    const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
    const maxAge = parsed['max-age'];
    if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
    if (parsed.private === true) hint.scope = 'PRIVATE';
    if (parsed.public === true) hint.scope = 'PUBLIC';
    policy.restrict(hint as never);
  }
}

function parseAnswer(answer: SubgraphAnswer): unknown {
  const type = header(answer, 'content-type');
  if (type && (type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))) return JSON.parse(answer.body);
  return answer.body;
}

/** As RemoteGraphQLDataSource.errorFromResponse: `401: Unauthorized`, with the answer in extensions. */
function errorFromAnswer(url: string, answer: SubgraphAnswer): GraphQLError {
  let body: unknown = answer.body;
  try {
    body = parseAnswer(answer);
  } catch {
    // not JSON after all: the text
  }
  const extensions: Record<string, unknown> = {
    response: { url, status: answer.status, statusText: answer.statusText, body },
  };
  if (answer.status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (answer.status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${answer.status}: ${answer.statusText}`, { extensions });
}

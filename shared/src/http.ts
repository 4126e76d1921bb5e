import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Claims } from './auth.js';
import { HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, verifyForwardedClaims } from './auth.js';
import { AppError, commonKey, ErrorCode } from './errors.js';
import { formatUnavailable, isDbUnavailable, unavailablePlugin, unavailableResponse } from './db-errors.js';
import type { Logger } from './logger.js';
import { PrometheusMetrics } from './metrics.js';
import { requestLogPlugin, requestOutcome } from './request-log.js';

export interface RequestInfo {
  requestId: string;
  claims: Claims;
  logger: Logger;
  /** Raw request headers (lower-case names). */
  headers: IncomingMessage['headers'];
  ip: string;
}

export type Admission = { release: () => void } | { refuse: NonNullable<AuthResult['error']> };

export type ReadyCheck = () => Promise<Record<string, unknown>>;

export interface AuthResult {
  claims?: Claims;
  error?: { status: number; code: ErrorCode; id: string; en: string; headers?: Record<string, string> };
}

export interface GraphQLHttpServerOptions<TContext extends BaseContext> {
  name: string;
  logger: Logger;
  production: boolean;
  /** Either a schema (subgraph) or a ready ApolloServer config (gateway). */
  apollo: ApolloServer<TContext> | { schema: GraphQLSchema; plugins?: ApolloServerPlugin<TContext>[] };
  authenticate: (req: IncomingMessage, requestId: string) => Promise<AuthResult> | AuthResult;
  context: (info: RequestInfo) => Promise<TContext> | TContext;
  ready: ReadyCheck;
  metrics?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Extra routes (path -> handler), e.g. exports. Return true when handled. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse, info: RequestInfo) => Promise<void>>;
  /** Called before GraphQL execution; may refuse (admission control). */
  admit?: (req: IncomingMessage, body: unknown) => Promise<Admission> | Admission;
  maxBodyBytes?: number;
  /** The process's Prometheus registry (`/metrics`); one is made when not given. */
  prometheus?: PrometheusMetrics;
  /** Peers (e.g. the edge) whose X-Forwarded-For names the client; from anyone else it is ignored. */
  trustedProxies?: TrustedProxies;
}

/** Who may name the client in X-Forwarded-For: exact addresses and CIDR ranges (a pod network in Kubernetes). */
export interface TrustedProxies {
  has(address: string): boolean;
  readonly size: number;
}

/**
 * Parses a comma-separated list of proxy addresses or CIDR ranges (IPv4, IPv6, and the IPv4-mapped IPv6
 * form of an IPv4 peer, as Node reports it on a dual-stack socket). Ranges are checked by Node's own
 * net.BlockList. A malformed entry is refused at start rather than silently trusting nobody.
 */
export function parseTrustedProxies(list: string | undefined): TrustedProxies {
  const exact = new Set<string>();
  const ranges = new net.BlockList();
  let size = 0;
  let rangeCount = 0;
  for (const entry of (list ?? '').split(',')) {
    const item = entry.trim();
    if (!item) continue;
    size++;
    const slash = item.indexOf('/');
    const address = slash === -1 ? item : item.slice(0, slash);
    const family = net.isIP(address);
    if (family === 0) throw new Error(`trusted proxy "${item}" is neither an IP address nor a CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      exact.add(address);
      if (family === 4) exact.add(`::ffff:${address}`);
      continue;
    }
    const prefix = Number(item.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`trusted proxy "${item}" has an invalid prefix length`);
    }
    ranges.addSubnet(address, prefix, type);
    rangeCount++;
  }
  return {
    size,
    has(peer: string): boolean {
      if (exact.has(peer)) return true;
      // BlockList.check builds a SocketAddress per call: skipped when there is no range to check.
      if (rangeCount === 0) return false;
      const mapped = peer.startsWith('::ffff:') && net.isIPv4(peer.slice(7)) ? peer.slice(7) : undefined;
      if (mapped) return ranges.check(mapped, 'ipv4');
      const family = net.isIP(peer);
      return family !== 0 && ranges.check(peer, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket peer, or, when the peer is a trusted proxy, the address that proxy
 * appended last to X-Forwarded-For (entries further left were written by the client and prove nothing).
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies | undefined): string {
  const peer = req.socket.remoteAddress ?? '';
  if (!trusted?.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return peer;
  const last = value.slice(value.lastIndexOf(',') + 1).trim();
  return last || peer;
}

const GENERIC_ID: Partial<Record<string, string>> = {
  GRAPHQL_PARSE_FAILED: 'Permintaan GraphQL tidak dapat dibaca',
  GRAPHQL_VALIDATION_FAILED: 'Permintaan GraphQL tidak valid',
  BAD_USER_INPUT: 'Masukan tidak valid',
  BAD_REQUEST: 'Permintaan tidak valid',
  PERSISTED_QUERY_NOT_FOUND: 'Kueri tersimpan tidak ditemukan',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Kueri tersimpan tidak didukung',
  OPERATION_RESOLUTION_FAILURE: 'Operasi tidak ditemukan',
};

/**
 * Gives every error both languages; hides unexpected errors behind a generic message with the request
 * id (the details go to the log, never to the client).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return { ...formatted, message: original.message };
  const gone = formatUnavailable(formatted, original);
  if (gone) return gone;
  const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  if (code === ErrorCode.INTERNAL_SERVER_ERROR && !formatted.extensions?.messageEn) {
    return {
      message: 'Terjadi kesalahan pada server; silakan coba lagi',
      path: formatted.path,
      locations: formatted.locations,
      extensions: {
        code,
        messageId: commonKey(code),
        messageEn: 'Internal server error; please try again',
      },
    };
  }
  if (formatted.extensions?.messageEn) return formatted;
  const id = GENERIC_ID[code] ?? 'Permintaan ditolak';
  return {
    ...formatted,
    message: `${id}: ${formatted.message}`,
    extensions: { ...formatted.extensions, code, messageId: commonKey(code), messageEn: formatted.message },
  };
}

function requestIdPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          const info = (contextValue as unknown as { request?: RequestInfo }).request;
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof AppError) continue;
            const code = error.extensions?.code;
            if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            if (isDbUnavailable(original)) {
              info?.logger.warn({ err: { message: (original as Error).message }, path: error.path }, 'database unavailable');
              continue;
            }
            info?.logger.error({ err: original, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ response, contextValue }) {
          const info = (contextValue as unknown as { request?: RequestInfo }).request;
          if (response.body.kind !== 'single' || !info) return;
          const errors = response.body.singleResult.errors;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((e) =>
            e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR
              ? { ...e, extensions: { ...e.extensions, requestId: info.requestId } }
              : e,
          );
        },
      };
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function errorBody(code: string, id: string, en: string, extra: Record<string, unknown> = {}): unknown {
  return { errors: [{ message: id, extensions: { code, messageId: commonKey(code), messageEn: en, ...extra } }] };
}

/**
 * Reads a request body up to `limit` bytes: undefined when it is larger (the rest is drained), an error
 * when the client goes away mid-body. Plain 'data'/'end' events: cheaper than an async iterator.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that goes away mid-body ends the request as an error (as the stream iterator did).
    req.once('close', () => {
      if (!req.complete) reject(new Error('request aborted before its body ended'));
    });
  });
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return (await readRequestBody(req, limit))?.toString('utf8');
}

/** The caller's request id when it is a safe token (letters, digits, . _ -, at most 64), else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[HEADER_REQUEST_ID];
  return typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/** Path and query string of a request target, without building a URL object per request. */
function splitTarget(target: string): { pathname: string; search: string } {
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  // An absolute-form target (http://host/path) keeps only its path; one that does not parse matches no route.
  let pathname = raw;
  if (!raw.startsWith('/')) {
    try {
      pathname = new URL(raw, 'http://localhost').pathname;
    } catch {
      pathname = '';
    }
  }
  return { pathname, search: q < 0 ? '' : target.slice(q) };
}

/**
 * How late the event loop ran: a timer due every 10 ms records how late it fired. `take()` gives the
 * p50, p99 and max since the previous call (the last 8,192 samples at most) and starts a new window.
 * (perf_hooks' monitorEventLoopDelay loses the first interval after each reset, so a stall right
 * after a scrape would not show.) The timer runs only while requests arrive (`touch()` on each): a
 * process with no traffic has no lateness to measure, and 100 wake-ups a second in each of eight idle
 * processes were most of the platform's CPU at rest. It stops `idleStopMs` after the last request.
 */
export class LoopLateness {
  private readonly samples = new Float64Array(8192);
  private count = 0;
  private max = 0;
  private last = 0;
  private lastTouch = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs = 10,
    private readonly idleStopMs = 10_000,
  ) {}

  /** A request arrived: sample (again) from now on. */
  touch(): void {
    this.lastTouch = performance.now();
    if (this.timer) return;
    this.last = this.lastTouch;
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = Math.max(0, now - this.last - this.intervalMs);
      this.last = now;
      this.samples[this.count++ % this.samples.length] = late;
      if (late > this.max) this.max = late;
      if (now - this.lastTouch > this.idleStopMs) this.stop();
    }, this.intervalMs);
    this.timer.unref();
  }

  take(): { p50: number; p99: number; max: number } {
    const sorted = Array.from(this.samples.subarray(0, Math.min(this.count, this.samples.length))).sort((a, b) => a - b);
    const at = (p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0);
    const window = { p50: at(0.5), p99: at(0.99), max: this.max };
    this.count = 0;
    this.max = 0;
    return window;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export interface RunningServer {
  server: http.Server;
  apollo: ApolloServer<BaseContext>;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A small node:http integration of Apollo Server (executeHTTPGraphQLRequest): /graphql, /health,
 * /ready and /metrics, request ids, JSON errors for malformed bodies (never a 500 for user input).
 */
export async function startGraphQLHttpServer<TContext extends BaseContext>(
  options: GraphQLHttpServerOptions<TContext>,
  listen: { host: string; port: number },
): Promise<RunningServer> {
  const apollo =
    options.apollo instanceof ApolloServer
      ? options.apollo
      : new ApolloServer<TContext>({
          schema: options.apollo.schema,
          introspection: !options.production,
          includeStacktraceInErrorResponses: false,
          // No "Did you mean ...?" field suggestions in production: they map the schema for an attacker.
          hideSchemaDetailsFromClientErrors: options.production,
          formatError,
          plugins: [
            requestIdPlugin<TContext>(),
            unavailablePlugin<TContext>(),
            requestLogPlugin<TContext>(),
            ApolloServerPluginInlineTraceDisabled(),
            // No subgraph sets a cache hint (the gateway decides what is public: publicAnswersPlugin), and the
            // cache-control plugin wraps every field's resolver to collect them: a hook per field of every answer.
            ApolloServerPluginCacheControlDisabled(),
            options.production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
            ...(options.apollo.plugins ?? []),
          ],
        });
  await apollo.start();
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  const loopDelay = new LoopLateness();
  const prometheus = options.prometheus ?? new PrometheusMetrics(options.name);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    loopDelay.touch();
    const requestId = requestIdOf(req);
    res.setHeader(HEADER_REQUEST_ID, requestId);
    const url = splitTarget(req.url ?? '/');
    // The per-request child logger is made only when something logs (a refusal under overload never does).
    let requestLogger: Logger | undefined;
    const log = (): Logger => (requestLogger ??= options.logger.child({ requestId }));
    // One line per request: method, path, status, duration, the GraphQL operation and its error codes;
    // never the body or variables.
    const logged = options.logger.isLevelEnabled('info');
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      prometheus.observeRequest(req.method, url.pathname, res.statusCode, ms / 1000);
      if (!logged || url.pathname === '/health' || url.pathname === '/ready') return;
      log().info({ method: req.method, path: url.pathname, status: res.statusCode, ms, ...requestOutcome(req.headers) }, 'request');
    });
    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok', service: options.name });
    if (url.pathname === '/ready') {
      try {
        const checks = await options.ready();
        const ok = Object.values(checks).every(
          (v) => v !== false && !(typeof v === 'object' && v !== null && (v as { ok?: boolean }).ok === false),
        );
        // Degraded: serving, but something behind it is stuck (e.g. deliveries to SATUSEHAT); still 200.
        const degraded = Object.values(checks).some(
          (v) => typeof v === 'object' && v !== null && (v as { degraded?: boolean }).degraded === true,
        );
        const status = ok ? (degraded ? 'degraded' : 'ready') : 'not-ready';
        return sendJson(res, ok ? 200 : 503, { status, service: options.name, checks });
      } catch (error) {
        log().warn({ err: error }, 'readiness check failed');
        return sendJson(res, 503, { status: 'not-ready', service: options.name, error: (error as Error).message });
      }
    }
    if (url.pathname === '/metrics') {
      const { contentType, body } = await prometheus.render();
      res.writeHead(200, { 'content-type': contentType });
      return void res.end(body);
    }
    if (url.pathname === '/metrics.json' && options.metrics) {
      const eventLoopDelayMs = loopDelay.take();
      return sendJson(res, 200, { ...(await options.metrics()), eventLoopDelayMs, rssMiB: process.memoryUsage.rss() / 2 ** 20 });
    }

    const auth = await options.authenticate(req, requestId);
    if (auth.error) {
      const e = auth.error;
      return sendJson(res, e.status, errorBody(e.code, e.id, e.en, { requestId }), e.headers);
    }
    const info: RequestInfo = {
      requestId,
      claims: auth.claims ?? { role: 'anonymous' },
      get logger() {
        return log();
      },
      headers: req.headers,
      ip: clientAddress(req, options.trustedProxies),
    };
    const route = options.routes?.[url.pathname];
    if (route) {
      try {
        await route(req, res, info);
      } catch (error) {
        if (error instanceof AppError) {
          const ext = error.extensions as { code: string; messageEn: string };
          return sendJson(res, ext.code === ErrorCode.FORBIDDEN || ext.code === ErrorCode.UNAUTHENTICATED ? 403 : 400, {
            errors: [{ message: error.message, extensions: error.extensions }],
          });
        }
        const gone = unavailableResponse(error, requestId);
        if (gone && !res.headersSent) return sendJson(res, gone.status, gone.body, gone.headers);
        log().error({ err: error }, 'route failed');
        if (!res.headersSent)
          sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Terjadi kesalahan pada server', 'Internal server error', { requestId }));
      }
      return;
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      return sendJson(res, 404, errorBody('NOT_FOUND', 'Alamat tidak ditemukan', 'Not found'));
    }

    let admission: Admission | undefined;
    try {
      let body: unknown = undefined;
      if (req.method === 'POST') {
        const raw = await readBody(req, maxBody);
        if (raw === undefined)
          return sendJson(res, 413, errorBody(ErrorCode.BAD_REQUEST, 'Permintaan terlalu besar', 'Request body too large'));
        const contentType = String(req.headers['content-type'] ?? '');
        if (contentType.includes('application/json') || contentType === '') {
          try {
            body = raw.length ? JSON.parse(raw) : {};
          } catch {
            return sendJson(
              res,
              400,
              errorBody(ErrorCode.BAD_REQUEST, 'Isi permintaan bukan JSON yang valid', 'Request body is not valid JSON'),
            );
          }
        } else {
          body = raw;
        }
      }
      admission = options.admit ? await options.admit(req, body) : undefined;
      if (admission && 'refuse' in admission) {
        const e = admission.refuse;
        admission = undefined;
        return sendJson(res, e.status, errorBody(e.code, e.id, e.en, { requestId }), e.headers);
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      if (!headers.has('content-type') && req.method === 'POST') headers.set('content-type', 'application/json');
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
        context: async () => options.context(info),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      const gone = unavailableResponse(error, requestId);
      if (gone && !res.headersSent) return sendJson(res, gone.status, gone.body, gone.headers);
      log().error({ err: error }, 'request failed');
      if (!res.headersSent)
        sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Terjadi kesalahan pada server', 'Internal server error', { requestId }));
    } finally {
      if (admission && 'release' in admission) admission.release();
    }
  };

  const server = http.createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled request failure');
      if (!res.headersSent)
        sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'Terjadi kesalahan pada server', 'Internal server error'));
    });
  });
  const port = await listenHttp(server, listen.host, listen.port);
  return {
    server,
    apollo: apollo as unknown as ApolloServer<BaseContext>,
    port,
    url: `http://${listen.host}:${port}/graphql`,
    async close() {
      loopDelay.stop();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}

/**
 * Listens with keep-alive longer than common load balancers' idle timeout (60 s), so they close idle
 * connections first; resolves with the port (0 picks a free one).
 */
export async function listenHttp(server: http.Server, host: string, port: number): Promise<number> {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Subgraph authentication: only requests the gateway signed are served. */
export function gatewayOnly(secret: string): GraphQLHttpServerOptions<BaseContext>['authenticate'] {
  return (req) => {
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const claims = verifyForwardedClaims(secret, header(HEADER_REQUEST_ID), header(HEADER_CLAIMS), header(HEADER_SIGNATURE));
    if (!claims) {
      return {
        error: {
          status: 401,
          code: ErrorCode.GATEWAY_ONLY,
          id: 'Layanan ini hanya menerima permintaan melalui gateway',
          en: 'This service only accepts requests through the gateway',
        },
      };
    }
    return { claims };
  };
}

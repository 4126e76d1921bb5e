import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import {
  clientAddress,
  createLogger,
  ErrorCode,
  errorBody,
  HEADER_REQUEST_ID,
  listenHttp,
  LoopLateness,
  readRequestBody,
  requestIdOf,
  sendJson,
  SharedRedis,
  type Logger,
} from '@victori/shared';
import { AdmissionControl, admissionMetrics, isMutation } from './admission.js';
import type { EdgeConfig } from './config.js';
import { ClassedReads } from './edge-classes.js';
import { edgeReadiness } from './readiness.js';
import { metricsAccess } from './metrics-access.js';
import { TrustedDocuments } from './trusted-documents.js';
import { edgeMetrics } from './edge-metrics.js';
import { parseCacheControl } from './cache-control.js';
import { serveStatic } from './static.js';
import { certificateRoutes } from './certificate-routes.js';
import { serveExportFile } from './exports-http.js';
import {
  anonymousReadKey,
  cacheable,
  EdgeCache,
  FillLane,
  MemoryAnswerStore,
  type FillTicket,
  RedisAnswerStore,
  type CachedAnswer,
  type CacheState,
} from './edge-cache.js';

/**
 * The edge: the platform's public front door, a process that does nothing but admit or refuse.
 *
 * Under a surge the gateway's event loop is full of admitted work (planning, subgraph calls, JSON), and a
 * refusal made there waits its turn behind that work. The edge holds the admission bounds instead: it reads
 * each request, refuses the excess at once with 503 OVERLOADED and Retry-After, and forwards only what it
 * admitted to the gateway over a keep-alive pool. Its own loop stays nearly idle, so refusals stay fast,
 * and the gateway only ever sees as much work as it can do well.
 *
 * It tells bookings (mutations) from reads, carries the client's address on in X-Forwarded-For (the
 * gateway believes it from the edge only: GATEWAY_TRUSTED_PROXIES) and the request id in X-Request-Id.
 */
export interface RunningEdge {
  server: http.Server;
  url: string;
  port: number;
  admission: { read: AdmissionControl; write: AdmissionControl };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'x-forwarded-for',
  HEADER_REQUEST_ID,
]);

const OVERLOADED = {
  id: 'Layanan sedang sibuk; silakan coba lagi dalam 1 detik',
  en: 'The service is busy; please try again in 1 second',
};
const UNAVAILABLE = {
  id: 'Layanan sedang tidak tersedia; silakan coba lagi sebentar lagi',
  en: 'The service is unavailable; please try again shortly',
};

/**
 * Mutation hashes of automatic persisted queries the edge has seen registered, so that a booking sent by
 * hash alone is still admitted as a booking (bounded; the oldest entries go first). With Redis, a hash one
 * replica learned is known to all: each replica asks Redis about a hash it does not know (at most once per
 * hash every 10 s), and while Redis cannot answer it knows what it learned itself.
 */
export class MutationHashes {
  private readonly hashes = new Set<string>();
  private readonly askedAt = new Map<string, number>();
  constructor(
    private readonly max = 10_000,
    readonly redis?: SharedRedis,
  ) {}
  add(hash: string): void {
    if (this.redis) {
      const redis = this.redis;
      void redis.attempt((c) => c.set(redis.key('mutation', hash), '1', 'EX', 30 * 86_400));
    }
    this.remember(hash);
  }
  has(hash: string): boolean {
    return this.hashes.has(hash);
  }
  /** Whether this replica or (with Redis) another one learned the hash. */
  async hasShared(hash: string): Promise<boolean> {
    if (this.hashes.has(hash)) return true;
    if (!this.redis) return false;
    const now = Date.now();
    if ((this.askedAt.get(hash) ?? -Infinity) > now - 10_000) return false;
    if (this.askedAt.size >= this.max) this.askedAt.delete(this.askedAt.keys().next().value!);
    this.askedAt.set(hash, now);
    const redis = this.redis;
    const found = await redis.attempt((c) => c.exists(redis.key('mutation', hash)));
    if (found.ok && found.value === 1) {
      this.remember(hash);
      return true;
    }
    return false;
  }
  private remember(hash: string): void {
    if (this.hashes.has(hash)) return;
    if (this.hashes.size >= this.max) this.hashes.delete(this.hashes.values().next().value!);
    this.hashes.add(hash);
  }
}

interface GraphQLBody {
  query?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

/**
 * Whether a POST body carries a mutation. Most bodies are decided without parsing: a body without the
 * word "mutation" and without a persisted-query hash is a read. A body that does not parse is a read
 * here; the gateway answers it with its own typed error.
 */
export function classifyBody(raw: string, hashes: MutationHashes): 'read' | 'write' {
  const mentionsMutation = raw.includes('mutation');
  if (!mentionsMutation && !raw.includes('sha256Hash')) return 'read';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'read';
  }
  const operations = (Array.isArray(parsed) ? parsed : [parsed]) as (GraphQLBody | null)[];
  let write = false;
  for (const op of operations) {
    if (!op || typeof op !== 'object') continue;
    const hash = op.extensions?.persistedQuery?.sha256Hash;
    if (typeof op.query === 'string') {
      if (isMutation(op)) {
        write = true;
        if (typeof hash === 'string') hashes.add(hash);
      }
    } else if (typeof hash === 'string' && hashes.has(hash)) {
      write = true;
    }
  }
  return write ? 'write' : 'read';
}

/** classifyBody, and for a hash this replica has not seen registered, what the other replicas learned (Redis). */
export async function classifyBodyShared(raw: string, hashes: MutationHashes): Promise<'read' | 'write'> {
  const local = classifyBody(raw, hashes);
  if (local === 'write' || !hashes.redis || !raw.includes('sha256Hash')) return local;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'read';
  }
  for (const op of (Array.isArray(parsed) ? parsed : [parsed]) as (GraphQLBody | null)[]) {
    const hash = op && typeof op === 'object' && typeof op.query !== 'string' ? op.extensions?.persistedQuery?.sha256Hash : undefined;
    if (typeof hash === 'string' && (await hashes.hasShared(hash))) return 'write';
  }
  return 'read';
}

export async function startEdge(config: EdgeConfig, logger: Logger = createLogger('edge', config.logLevel)): Promise<RunningEdge> {
  const { read, write } = config.admission;
  const admission = {
    read: new AdmissionControl(read.maxConcurrent, read.maxQueue, read.queueTimeoutMs, {
      lifoWhenOverloaded: read.lifoWhenOverloaded,
      queueWhenOverloaded: read.queueWhenOverloaded,
    }),
    write: new AdmissionControl(write.maxConcurrent, write.maxQueue, write.queueTimeoutMs),
  };
  const reads = ClassedReads.create(admission.read, config.readClasses);
  const upstream = new URL(config.upstream);
  const pool = new Pool(upstream.origin, {
    // Every admitted request has a connection of its own; a few more for health and metrics.
    connections: read.maxConcurrent + write.maxConcurrent + 8,
    pipelining: 1,
    headersTimeout: config.upstreamTimeoutMs,
    bodyTimeout: config.upstreamTimeoutMs,
    keepAliveTimeout: 60_000,
  });
  const redis = config.redis ? SharedRedis.connect(config.redis, logger) : undefined;
  const hashes = new MutationHashes(10_000, redis);
  const answers = redis ? new RedisAnswerStore(redis, config.publicCache.freshMs) : new MemoryAnswerStore();
  const cache = config.publicCache.lifetimeMs > 0 ? new EdgeCache(answers, config.publicCache) : undefined;
  const fills = new FillLane({ ...config.publicCache.fills, classShare: config.readClasses.classSharePercent / 100 });
  if (config.trustedDocumentsFile)
    for (const hash of TrustedDocuments.fromFile(config.trustedDocumentsFile).mutationHashes()) hashes.add(hash);
  const loopDelay = new LoopLateness();
  const counters = { forwarded: 0, upstreamFailures: 0, tooLarge: 0 };
  const prometheus = edgeMetrics(admission, counters, cache);
  const certificates = certificateRoutes(pool, '/graphql', config.upstreamTimeoutMs);

  const upstreamJson = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await pool.request({ path, method: 'GET', headersTimeout: 2000, bodyTimeout: 2000 });
    const text = await res.body.text();
    try {
      return { status: res.statusCode, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.statusCode, body: text };
    }
  };

  const upstreamHeaders = (req: IncomingMessage, requestId: string): string[] => {
    const headers: string[] = [];
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
    }
    headers.push('x-forwarded-for', clientAddress(req, config.trustedProxies), HEADER_REQUEST_ID, requestId);
    return headers;
  };

  /** Forwards the request to the gateway and streams the answer back; `done` runs exactly once. */
  const forward = (req: IncomingMessage, res: ServerResponse, requestId: string, body: Buffer | undefined, done: () => void): void => {
    counters.forwarded++;
    const headers = upstreamHeaders(req, requestId);
    let abort: ((reason?: Error) => void) | undefined;
    let resumeUpstream: (() => void) | undefined;
    // 'close' comes once, whether the answer was sent or the client left; one that left stops the
    // gateway's work for it too.
    res.once('close', () => {
      if (!res.writableFinished) abort?.(new Error('client closed'));
      done();
    });
    const handler: Dispatcher.DispatchHandler = {
      onConnect: (abortRequest: (reason?: Error) => void) => {
        abort = abortRequest;
      },
      onHeaders: (statusCode: number, rawHeaders: Buffer[], resume: () => void) => {
        const out: string[] = [];
        for (let i = 0; i < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString('latin1');
          const lower = name.toLowerCase();
          if (lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding' || lower === HEADER_REQUEST_ID) continue;
          out.push(name, rawHeaders[i + 1]!.toString('latin1'));
        }
        res.writeHead(statusCode, out);
        resumeUpstream = resume;
        return true;
      },
      // Back-pressure: a slow client pauses the gateway's answer until its socket drains.
      onData: (chunk: Buffer) => {
        const ok = res.write(chunk);
        if (!ok && resumeUpstream) res.once('drain', resumeUpstream);
        return ok;
      },
      onComplete: () => {
        res.end();
      },
      onError: (error: Error) => {
        if (res.destroyed) return;
        counters.upstreamFailures++;
        logger.warn({ err: { message: error.message, code: (error as { code?: string }).code }, requestId }, 'gateway did not answer');
        if (!res.headersSent) {
          sendJson(res, 503, errorBody(ErrorCode.UNAVAILABLE, UNAVAILABLE.id, UNAVAILABLE.en, { requestId }), { 'retry-after': '1' });
        } else {
          res.destroy(error);
        }
      },
    } as unknown as Dispatcher.DispatchHandler;
    pool.dispatch({ path: req.url ?? '/', method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body: body ?? null }, handler);
  };

  /**
   * An anonymous read for the cache: a place of the fill lane (waited for; a refusal is answered, never
   * kept), asked of the gateway whole with no-cache, and answered to everyone who waited for it.
   */
  const askForCache =
    (req: IncomingMessage, requestId: string, body: Buffer, target: string) =>
    async (ticket: FillTicket): Promise<CachedAnswer> => {
      const storedAt = Date.now();
      const release = await fills.enter(reads.classOf(body, target), ticket);
      if (!release) {
        const refusal = errorBody(ErrorCode.OVERLOADED, OVERLOADED.id, OVERLOADED.en, { requestId });
        return { status: 503, contentType: 'application/json', body: JSON.stringify(refusal), shared: false, storedAt };
      }
      counters.forwarded++;
      try {
        // no-cache: the edge is the cache on this path; the gateway's own short cache would make the answer older than it says.
        const answer = await pool.request({
          path: target,
          method: 'POST',
          headers: [...upstreamHeaders(req, requestId), 'cache-control', 'no-cache'],
          body,
        });
        const contentType = answer.headers['content-type'];
        const cacheControl = answer.headers['cache-control'];
        return {
          shared: parseCacheControl(cacheControl).public === true,
          status: answer.statusCode,
          contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json',
          body: await answer.body.text(),
          storedAt: Date.now(),
        };
      } catch (error) {
        counters.upstreamFailures++;
        logger.warn({ err: { message: (error as Error).message }, requestId }, 'gateway did not answer');
        const failure = errorBody(ErrorCode.UNAVAILABLE, UNAVAILABLE.id, UNAVAILABLE.en, { requestId });
        return { status: 503, contentType: 'application/json', body: JSON.stringify(failure), shared: false, storedAt };
      } finally {
        release();
      }
    };

  const sendCached = (res: ServerResponse, answer: CachedAnswer, state: CacheState): void => {
    const headers: Record<string, string> = { 'content-type': answer.contentType, 'x-edge-cache': state };
    if (answer.status === 503) headers['retry-after'] = '1';
    if (cacheable(answer)) {
      const age = Math.max(0, Date.now() - answer.storedAt);
      headers.age = String(Math.floor(age / 1000));
      headers['cache-control'] = `public, max-age=${Math.max(0, Math.floor((config.publicCache.lifetimeMs - age) / 1000))}`;
    } else {
      headers['cache-control'] = 'private, no-store';
    }
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(req);
    res.setHeader(HEADER_REQUEST_ID, requestId);
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    if (pathname === '/health') return sendJson(res, 200, { status: 'ok', service: 'edge' });
    if (pathname === '/ready') {
      const answer = edgeReadiness(await upstreamJson('/ready').catch(() => undefined));
      return sendJson(res, answer.httpStatus, answer.body);
    }
    if (pathname === '/metrics' || pathname === '/metrics.json') {
      const access = metricsAccess(req, config.metricsToken, config.production);
      if (access === 404) return sendJson(res, 404, errorBody(ErrorCode.NOT_FOUND, 'Alamat tidak ditemukan', 'Not found'));
      if (access === 401)
        return sendJson(res, 401, errorBody(ErrorCode.UNAUTHENTICATED, 'Metrik hanya untuk admin', 'Metrics need the admin token'), {
          'www-authenticate': 'Bearer',
        });
      if (pathname === '/metrics') {
        const { contentType, body } = await prometheus.render();
        res.writeHead(200, { 'content-type': contentType });
        return void res.end(body);
      }
      return sendJson(res, 200, {
        admission: admissionMetrics(admission),
        ...(cache
          ? {
              publicCache: {
                store: answers.kind,
                lifetimeMs: config.publicCache.lifetimeMs,
                freshMs: config.publicCache.freshMs,
                ...cache.stats,
                fills: fills.metrics(),
                ...(answers instanceof RedisAnswerStore ? { redisFallbacks: answers.fallbacks } : {}),
              },
            }
          : {}),
        readClasses: reads.classes.metrics(),
        ...counters,
        eventLoopDelayMs: loopDelay.take(),
        rssMiB: process.memoryUsage.rss() / 2 ** 20,
      });
    }
    if (await certificates(req, res, pathname, () => reads.admit(undefined, target))) return;
    // Report exports as files (exports-http.ts): asked of the gateway with the caller's token.
    if (pathname.startsWith('/exports/')) {
      const ask = async (query: string, extra: Record<string, string>) => {
        const r = await pool.request({
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', [HEADER_REQUEST_ID]: requestId, ...extra },
          body: query,
        });
        return { status: r.statusCode, text: await r.body.text() };
      };
      const forwardedFor = clientAddress(req, config.trustedProxies);
      if (await serveExportFile(req, res, target, { requestId, ask, forwardedFor, admit: (b) => reads.admit(b, '/graphql') })) return;
    }
    if (pathname !== '/graphql' && (await serveStatic(req, res, pathname, config.webRoot))) return;
    let body: Buffer | undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      body = await readRequestBody(req, config.maxBodyBytes);
      if (body === undefined) {
        counters.tooLarge++;
        return sendJson(res, 413, errorBody(ErrorCode.BAD_REQUEST, 'Permintaan terlalu besar', 'Request body too large', { requestId }));
      }
    }
    // GET cannot carry a mutation (the gateway refuses one); everything else is told apart by its body.
    const write =
      body && body.length && (await classifyBodyShared(body.toString('utf8'), hashes)) === 'write' ? admission.write : undefined;
    // Anonymous reads are answered from the edge's cache (hits take no read place; misses wait for one call).
    const cacheKey = cache && !write ? anonymousReadKey(req, pathname, body) : undefined;
    if (cache && cacheKey) {
      const { answer, state } = await cache.answer(cacheKey, askForCache(req, requestId, body!, target));
      return sendCached(res, answer, state);
    }
    const state = write?.tryEnter();
    // Reads are admitted by class (the subgraphs they touch), so one sick subgraph cannot take every read place.
    const release = write
      ? state === 'admitted' || (state === 'queued' && (await write.wait()))
        ? () => write.leave()
        : undefined
      : await reads.admit(body, target);
    if (!release) {
      return sendJson(res, 503, errorBody(ErrorCode.OVERLOADED, OVERLOADED.id, OVERLOADED.en, { requestId }), { 'retry-after': '1' });
    }
    forward(req, res, requestId, body, release);
  };

  const server = http.createServer((req, res) => {
    loopDelay.touch();
    handle(req, res).catch((error: unknown) => {
      // Only a client that left mid-body gets here; there is nobody to answer.
      logger.debug({ err: { message: (error as Error).message } }, 'request ended early');
      if (!res.headersSent && !res.destroyed)
        sendJson(res, 400, errorBody(ErrorCode.BAD_REQUEST, 'Permintaan tidak lengkap', 'Incomplete request'));
    });
  });
  const port = await listenHttp(server, config.host, config.port);
  logger.info({ port, upstream: upstream.origin }, 'edge listening');
  return {
    server,
    port,
    url: `http://${config.host}:${port}/graphql`,
    admission,
    async close() {
      loopDelay.stop();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
      await redis?.close();
    },
  };
}

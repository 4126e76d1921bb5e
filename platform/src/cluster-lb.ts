import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The local rehearsal's load balancer (`npm run start:cluster`), standing in for a Kubernetes Service:
 * one listening port per pool (the edges, the gateways, each subgraph), round-robin over the pool's
 * upstreams, skipping one that is down. An upstream is down at once when a connection to it is refused,
 * and after two failed health checks; it is up again after one good check (every `healthIntervalMs`).
 *
 * A request that failed before any upstream answered is sent to the next upstream when that is safe:
 * always when the connection was refused (nothing was sent); after a connection broke mid-request only
 * when a repeat cannot do the work twice: GET/HEAD, a request with an Idempotency-Key (booking replays
 * the first result), or a GraphQL document without a mutation. Otherwise the client gets 502 and decides.
 */
export interface LbPoolSpec {
  name: string;
  /** 0: any free port. */
  port: number;
  /** Origins, e.g. http://127.0.0.1:4001. */
  upstreams: string[];
  /** Answered 2xx by a healthy upstream. */
  healthPath: string;
  /** The public pool: append the client's address to X-Forwarded-For (internal pools pass it unchanged). */
  forwardedFor?: boolean;
}

export interface LbOptions {
  host: string;
  healthIntervalMs?: number;
  /** Per upstream. */
  connections?: number;
  maxBodyBytes?: number;
}

export interface UpstreamStats {
  origin: string;
  up: boolean;
  /** Answers relayed from this upstream. */
  answered: number;
  /** Requests to it that failed before it answered (refused, reset, timed out). */
  failed: number;
}

export interface PoolStats {
  name: string;
  url: string;
  requests: number;
  /** Requests that failed on one upstream and were sent to another. */
  retried: number;
  /** Requests answered 502 by the balancer itself (no upstream could answer, or a repeat was unsafe). */
  gaveUp: number;
  upstreams: UpstreamStats[];
  /** The last requests that took more than 5 s (diagnostics): which upstream, how long, what status. */
  slow: { upstream: string; ms: number; status: number; at: string }[];
}

export interface RunningLb {
  /** Each pool's origin, by name. */
  origins: Record<string, string>;
  stats(): PoolStats[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

class Upstream {
  readonly pool: Pool;
  up = true;
  answered = 0;
  failed = 0;
  private failedChecks = 0;

  constructor(
    readonly origin: string,
    connections: number,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  }

  markDown(): void {
    this.up = false;
    this.failedChecks = 2;
  }

  async check(path: string): Promise<void> {
    try {
      const res = await this.pool.request({ path, method: 'GET', headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) {
        this.failedChecks = 0;
        this.up = true;
        return;
      }
    } catch {
      // refused or slow: counted below
    }
    this.failedChecks++;
    if (this.failedChecks >= 2) this.up = false;
  }
}

/** A repeat cannot do the work twice: a read, a keyed write, or a GraphQL document with no mutation in it. */
export function safeToRepeat(method: string, headers: IncomingHttpHeaders, body: Buffer): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  if (typeof headers['idempotency-key'] === 'string' && headers['idempotency-key'].length > 0) return true;
  if (body.length === 0) return false;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { query?: unknown } | { query?: unknown }[];
    const docs = Array.isArray(parsed) ? parsed : [parsed];
    return docs.every((d) => typeof d.query === 'string' && !/\bmutation\b/.test(d.query));
  } catch {
    return false;
  }
}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

function refuse(res: ServerResponse, status: number, code: string, en: string, id: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify({ errors: [{ message: en, extensions: { code, message: { id, en } } }] }));
}

class LbPool {
  readonly upstreams: Upstream[];
  private next = 0;
  requests = 0;
  retried = 0;
  gaveUp = 0;
  readonly slow: PoolStats['slow'] = [];
  server?: Server;
  url = '';

  constructor(
    readonly spec: LbPoolSpec,
    private readonly options: Required<LbOptions>,
  ) {
    this.upstreams = spec.upstreams.map((o) => new Upstream(o, options.connections));
  }

  /** Round-robin over the upstreams that are up and not yet tried; when none is up, over all not yet tried. */
  private pick(tried: Set<Upstream>): Upstream | undefined {
    const n = this.upstreams.length;
    for (const wantUp of [true, false]) {
      for (let i = 0; i < n; i++) {
        const u = this.upstreams[(this.next + i) % n]!;
        if (tried.has(u) || (wantUp && !u.up)) continue;
        this.next = (this.next + i + 1) % n;
        return u;
      }
    }
    return undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    const body = await readBody(req, this.options.maxBodyBytes);
    if (!body) return refuse(res, 413, 'BAD_REQUEST', 'The request body is too large', 'Isi permintaan terlalu besar');
    const method = req.method ?? 'GET';
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    if (this.spec.forwardedFor) {
      const prior = req.headers['x-forwarded-for'];
      const peer = req.socket.remoteAddress ?? '';
      headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer;
    }
    const repeatable = safeToRepeat(method, req.headers, body);
    const tried = new Set<Upstream>();
    for (;;) {
      const upstream = this.pick(tried);
      if (!upstream) break;
      tried.add(upstream);
      const startedAt = Date.now();
      const noteSlow = (status: number): void => {
        const ms = Date.now() - startedAt;
        if (ms < 5000) return;
        this.slow.push({ upstream: upstream.origin, ms, status, at: new Date(startedAt).toISOString() });
        if (this.slow.length > 20) this.slow.shift();
      };
      try {
        const answer = await upstream.pool.request({
          path: req.url ?? '/',
          method: method as 'GET',
          headers,
          body: method === 'GET' || method === 'HEAD' ? null : body,
        });
        upstream.answered++;
        noteSlow(answer.statusCode);
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        res.writeHead(answer.statusCode, out);
        try {
          for await (const chunk of answer.body) res.write(chunk as Buffer);
          res.end();
        } catch {
          // the upstream died mid-answer: the client sees a broken answer, not a wrong one
          res.destroy();
        }
        return;
      } catch (error) {
        upstream.failed++;
        noteSlow(0);
        const code = (error as { code?: string }).code ?? '';
        const refused = CONNECT_FAILURES.has(code);
        // Refused: down until a health check says otherwise. Broken mid-request: it may be dying.
        upstream.markDown();
        if (refused || repeatable) {
          if (tried.size < this.upstreams.length) this.retried++;
          continue;
        }
        break;
      }
    }
    this.gaveUp++;
    refuse(
      res,
      502,
      'UNAVAILABLE',
      `No ${this.spec.name} replica could answer; please try again shortly`,
      `Tidak ada replika ${this.spec.name} yang dapat menjawab; silakan coba lagi sebentar lagi`,
    );
  }

  stats(): PoolStats {
    return {
      name: this.spec.name,
      url: this.url,
      requests: this.requests,
      retried: this.retried,
      gaveUp: this.gaveUp,
      upstreams: this.upstreams.map((u) => ({ origin: u.origin, up: u.up, answered: u.answered, failed: u.failed })),
      slow: [...this.slow],
    };
  }
}

export async function startLoadBalancer(pools: LbPoolSpec[], options: LbOptions): Promise<RunningLb> {
  const settings: Required<LbOptions> = { healthIntervalMs: 500, connections: 256, maxBodyBytes: 2_000_000, ...options };
  const running = pools.map((spec) => new LbPool(spec, settings));
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void Promise.all(running.flatMap((p) => p.upstreams.map((u) => u.check(p.spec.healthPath)))).finally(() => (checking = false));
  }, settings.healthIntervalMs);
  timer.unref();
  try {
    for (const pool of running) {
      const server = createServer((req, res) => {
        pool.handle(req, res).catch(() => refuse(res, 502, 'UNAVAILABLE', 'The balancer failed', 'Penyeimbang beban gagal'));
      });
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(pool.spec.port, settings.host, () => resolve());
      });
      pool.server = server;
      pool.url = `http://${settings.host}:${(server.address() as AddressInfo).port}`;
    }
  } catch (error) {
    clearInterval(timer);
    for (const p of running) p.server?.close();
    throw error;
  }
  return {
    origins: Object.fromEntries(running.map((p) => [p.spec.name, p.url])),
    stats: () => running.map((p) => p.stats()),
    async close() {
      clearInterval(timer);
      await Promise.all(
        running.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (!p.server) return resolve();
              p.server.close(() => resolve());
              p.server.closeAllConnections();
            }),
        ),
      );
      await Promise.all(running.flatMap((p) => p.upstreams.map((u) => u.pool.close().catch(() => undefined))));
    },
  };
}

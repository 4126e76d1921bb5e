import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeToRepeat, startLoadBalancer, type RunningLb } from './cluster-lb.js';

/** The rehearsal's balancer against two tiny upstreams: one that answers, one that dies or breaks requests. */
interface Upstream {
  origin: string;
  bodies: string[];
  server: Server;
  /** Drop every request's connection without an answer (a process killed mid-request). */
  breakRequests: boolean;
}

async function upstream(name: string): Promise<Upstream> {
  const u = { bodies: [] as string[], breakRequests: false } as Upstream;
  u.server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      u.bodies.push(body);
      if (u.breakRequests) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
      res.end(JSON.stringify({ from: name }));
    });
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', r));
  u.origin = `http://127.0.0.1:${(u.server.address() as AddressInfo).port}`;
  return u;
}

const close = (s: Server): Promise<void> =>
  new Promise((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });

describe('the cluster balancer', () => {
  let a: Upstream;
  let b: Upstream;
  let lb: RunningLb;
  const post = async (body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; from?: string }> => {
    const res = await fetch(`${lb.origins.pool}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, from: res.status === 200 ? (JSON.parse(text) as { from: string }).from : undefined };
  };

  beforeEach(async () => {
    a = await upstream('a');
    b = await upstream('b');
    lb = await startLoadBalancer([{ name: 'pool', port: 0, upstreams: [a.origin, b.origin], healthPath: '/health' }], {
      host: '127.0.0.1',
      healthIntervalMs: 100,
    });
  });
  afterEach(async () => {
    await lb.close();
    await close(a.server).catch(() => undefined);
    await close(b.server).catch(() => undefined);
  });

  test('round-robin over both; a dead upstream is skipped, and comes back after a good health check', async () => {
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await post({ query: '{ x }' })).from);
    expect(first.sort()).toEqual(['a', 'a', 'b', 'b']);
    await close(a.server);
    // A mutation without a key is still sent on: the refused connection carried nothing.
    const whileDown = [];
    for (let i = 0; i < 4; i++) whileDown.push(await post({ query: 'mutation { book }' }));
    expect(whileDown).toEqual(Array(4).fill({ status: 200, from: 'b' }));
    const port = Number(new URL(a.origin).port);
    await new Promise<void>((r) => a.server.listen(port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 400));
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await post({ query: '{ x }' })).from);
    expect(after.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  test('a request broken mid-way is repeated on the other upstream only when a repeat is safe', async () => {
    a.breakRequests = true;
    // Two of each, so that each kind meets the breaking upstream at least once.
    const keyed = [
      await post({ query: 'mutation { book }' }, { 'idempotency-key': 'k1' }),
      await post({ query: 'mutation { book }' }, { 'idempotency-key': 'k2' }),
    ];
    expect(keyed).toEqual([
      { status: 200, from: 'b' },
      { status: 200, from: 'b' },
    ]);
    a.bodies = [];
    b.bodies = [];
    const pool = (): { retried: number; gaveUp: number } => lb.stats()[0]!;
    const before = pool();
    // The balancer marked `a` down after the break; wait for its health check to bring it back.
    await new Promise((r) => setTimeout(r, 300));
    const unkeyed = [await post({ query: 'mutation { book }' }), await post({ query: 'mutation { book }' })];
    // One went to `a` (broken: 502, not repeated, so `b` saw it never), one to `b`.
    expect(unkeyed.map((r) => r.status).sort()).toEqual([200, 502]);
    expect(a.bodies.length + b.bodies.length).toBe(2);
    expect(pool().gaveUp - before.gaveUp).toBe(1);
  });

  test('what counts as safe to repeat', () => {
    const q = (query: string): Buffer => Buffer.from(JSON.stringify({ query }));
    expect(safeToRepeat('GET', {}, Buffer.alloc(0))).toBe(true);
    expect(safeToRepeat('POST', {}, q('{ sessions { id } }'))).toBe(true);
    expect(safeToRepeat('POST', {}, q('query Q { a } mutation M { b }'))).toBe(false);
    expect(safeToRepeat('POST', { 'idempotency-key': 'k' }, q('mutation { b }'))).toBe(true);
    expect(safeToRepeat('POST', {}, Buffer.from('{"extensions":{"persistedQuery":{"sha256Hash":"x"}}}'))).toBe(false);
    expect(safeToRepeat('POST', {}, Buffer.from('not json'))).toBe(false);
  });
});

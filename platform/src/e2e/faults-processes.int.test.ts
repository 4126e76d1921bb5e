import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, type ServiceName } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import pg from 'pg';
import { person } from '../../../services/booking/src/testing/kit.js';
import { createStormSessions, must, stockFacilities, tomorrowJakarta, waitUntilBookable } from '../bench/storm.js';
import { freePort } from '../platform.js';

/**
 * The fault suite for processes (issue 14, items 3 and 9): the real `npm start` entry under a light load
 * through the edge; kill -9 of each process in turn; then SIGTERM to the process group. Loopback only:
 * the edge binds 127.0.0.2 (another loopback address) so that the test can tell "bound to loopback
 * 127.0.0.1 only" from "bound to every address".
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const EDGE_HOST = '127.0.0.2';
// Every subgraph of the platform (a scaffolded one too): each is killed and must come back.
const SUBGRAPHS = SERVICES;
type Part = (typeof SUBGRAPHS)[number] | 'gateway' | 'edge' | 'postgres';
/** How long a killed process may take to serve again (a subgraph starts in ~3 s on a busy 2-core machine). */
const RESTART_BOUND_MS = 20_000;
/** An answer about a dead part must come this fast: a typed error, not a hang. */
const ANSWER_BOUND_MS = 5000;
const STOP_BOUND_MS = 15_000;

const READS: Record<string, string> = {
  booking: `{ facilities(type: PUSKESMAS) { edges { node { id } } } }`,
  reporting: `{ areas(level: KECAMATAN) { code } }`,
  inventory: `{ vaccineProducts { code } }`,
  immunization: `{ myPerson { id } }`,
  identity: `{ me { id } }`,
};
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id } }`;

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body?: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  /** 'OK', an extensions.code, 'UNTYPED', 'TIMEOUT' or 'NETWORK'. */
  outcome: string;
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: Answer['body'];
    try {
      body = JSON.parse(text) as Answer['body'];
    } catch {
      body = undefined;
    }
    const code = body?.errors?.[0]?.extensions?.code;
    const outcome = body?.errors?.length
      ? typeof code === 'string'
        ? code
        : 'UNTYPED'
      : res.status === 200 && body?.data
        ? 'OK'
        : 'UNTYPED';
    return { status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after'), body, outcome };
  } catch (error) {
    const outcome = (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
    return { status: 0, ms: Date.now() - started, retryAfter: null, outcome };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; it only waits to be reaped.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose parent is `ppid`, with their command lines. */
function childrenOf(ppid: number): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid) found.push({ pid: Number(entry), cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Listening TCP sockets on `port` as [address hex, family]: from /proc/net/tcp and tcp6. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const [address, p] = cols[1]!.split(':');
      if (p === hexPort) found.push(`${file.endsWith('6') ? 'tcp6' : 'tcp'}:${address}`);
    }
  }
  return found;
}

const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

describe('npm start under process faults', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'victori-faults-'));
  let proc: ChildProcess;
  let out = '';
  let ports: Record<'pg' | 'edge' | 'gateway' | (typeof SUBGRAPHS)[number] | ServiceName, number>;
  let edgeUrl: string;
  let citizen: string;
  let slots: string[] = [];
  const acknowledged: string[] = [];
  const outcomes = new Map<string, number>();
  const restartMs: Partial<Record<Part, number>> = {};
  let pgOutage = 'not measured';
  let loadRunning = true;
  let load: Promise<void> = Promise.resolve();

  const pidOf = (part: Part): number => {
    if (part === 'postgres') return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const entry =
      part === 'edge' ? 'gateway/dist/edge-main.js' : part === 'gateway' ? 'gateway/dist/index.js' : `services/${part}/dist/index.js`;
    const match = childrenOf(proc.pid!).filter((c) => c.cmd.includes(entry));
    if (match.length !== 1) throw new Error(`expected one ${part} process, found ${match.length}`);
    return match[0]!.pid;
  };
  const healthUrl = (part: Exclude<Part, 'postgres'>): string =>
    part === 'edge' ? `http://${EDGE_HOST}:${ports.edge}/health` : `http://127.0.0.1:${ports[part]}/health`;
  const serves = async (part: Part): Promise<boolean> => {
    if (part === 'postgres') {
      const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.pg}/postgres` });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    try {
      return (await fetch(healthUrl(part), { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  };
  /** Polls until `check` holds, up to `boundMs`; returns how long it took. */
  const until = async (check: () => Promise<boolean>, boundMs: number, what: string): Promise<number> => {
    const started = Date.now();
    while (Date.now() - started < boundMs) {
      if (await check()) return Date.now() - started;
      await sleep(100);
    }
    throw new Error(`${what} not within ${boundMs} ms\n${out.slice(-3000)}`);
  };
  const everythingServes = async (): Promise<boolean> =>
    (
      await post(
        edgeUrl,
        `{ facilities(type: PUSKESMAS) { edges { node { id } } } areas(level: KECAMATAN) { code } vaccineProducts { code } }`,
      )
    ).outcome === 'OK' && (await post(edgeUrl, READS.immunization!, {}, citizen)).outcome === 'OK';

  const count = (key: string): void => void outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  let serial = 0;
  const runLoad = async (): Promise<void> => {
    const reader = async (): Promise<void> => {
      while (loadRunning) {
        const name = SUBGRAPHS[serial++ % SUBGRAPHS.length]!;
        const a = await post(edgeUrl, READS[name]!, {}, name === 'immunization' ? citizen : undefined);
        count(`read ${a.outcome}`);
        await sleep(50);
      }
    };
    const booker = async (): Promise<void> => {
      while (loadRunning) {
        const slotId = slots[serial++ % slots.length]!;
        const a = await post(edgeUrl, BOOK, { input: { ...person(), doseKind: 'PRIMARY_1', slotId } });
        const id = (a.body?.data?.bookAppointment as { id?: string } | null | undefined)?.id;
        if (a.outcome === 'OK' && id) acknowledged.push(id);
        count(`book ${a.outcome}`);
        await sleep(250);
      }
    };
    await Promise.all([reader(), reader(), booker()]);
  };

  let startEnv: NodeJS.ProcessEnv = {};
  /** Starts the platform in its own process group, as a terminal or a service manager would, and waits until it is up. */
  const launch = async (command: string, args: string[]): Promise<ChildProcess> => {
    out = '';
    const started = spawn(command, args, { cwd: root, env: startEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    started.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    started.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code) => reject(new Error(`start exited with ${code}: ${out}`))),
    );
    exited.catch(() => undefined);
    const up = (async () => {
      for (let i = 0; i < 1200 && !/VICTORI platform is up: (\S+)/.test(out); i++) await sleep(100);
      return /VICTORI platform is up: (\S+)/.exec(out)?.[1];
    })();
    const url = await Promise.race([up, exited]);
    if (!url) throw new Error(`npm start did not come up: ${out}`);
    return started;
  };

  beforeAll(async () => {
    ports = {
      pg: await freePort(),
      edge: await freePort(),
      gateway: await freePort(),
      booking: await freePort(),
      inventory: await freePort(),
      immunization: await freePort(),
      reporting: await freePort(),
      identity: await freePort(),
      feedback: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VICTORI_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(ports.pg),
      EDGE_HOST,
      EDGE_PORT: String(ports.edge),
      GATEWAY_PORT: String(ports.gateway),
      BOOKING_PORT: String(ports.booking),
      INVENTORY_PORT: String(ports.inventory),
      IMMUNIZATION_PORT: String(ports.immunization),
      REPORTING_PORT: String(ports.reporting),
      IDENTITY_PORT: String(ports.identity),
      FEEDBACK_PORT: String(ports.feedback),
      LOG_LEVEL: 'warn',
      // Every read reaches its subgraph (no 2 s public cache, the gateway's or the edge's, hiding a dead
      // one: a cached answer is what a citizen would get, but not what this suite measures); one address books for many.
      GATEWAY_PUBLIC_CACHE_MS: '0',
      EDGE_PUBLIC_CACHE_MS: '0',
      BOOKING_RATE_PER_IP: '0',
      RESTART_INITIAL_DELAY_MS: '100',
      RESTART_MAX_DELAY_MS: '2000',
    };
    // Embedded PostgreSQL: no external database URLs.
    delete env.BOOKING_DATABASE_URL;
    delete env.INVENTORY_DATABASE_URL;
    delete env.IMMUNIZATION_DATABASE_URL;
    delete env.REPORTING_DATABASE_URL;
    delete env.IDENTITY_DATABASE_URL;
    delete env.BUS_DATABASE_URL;
    delete env.HOST;
    startEnv = env;
    proc = await launch(process.execPath, [path.join(root, 'platform/dist/start.js')]);
    edgeUrl = `http://${EDGE_HOST}:${ports.edge}/graphql`;

    const mint = async (role: string, sub: string): Promise<string> => {
      const token = spawn(process.execPath, [path.join(root, 'platform/dist/token.js'), '--role', role, '--sub', sub], {
        env: { ...process.env, VICTORI_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let tokenOut = '';
      token.stdout!.on('data', (c: Buffer) => (tokenOut += c.toString()));
      await new Promise((resolve) => token.once('exit', resolve));
      return tokenOut.trim();
    };
    citizen = await mint('citizen', 'faults-1');
    const admin = await mint('admin', 'faults-admin');
    // Real stock through inventory, two sessions of 500 places; booking learns the stock from inventory's events.
    const facilities = (
      await must(
        gql<{ facilities: { edges: { node: { id: string; type: string } }[] } }>(edgeUrl, `{ facilities { edges { node { id type } } } }`),
        'facilities',
      )
    ).facilities.edges.map((e) => e.node);
    const hosts = facilities.filter((f) => f.type !== 'CITY_STORE').slice(0, 2);
    const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
    await stockFacilities(edgeUrl, admin, cityStore, `FAULTS-${Date.now()}`, hosts, () => 600);
    const date = tomorrowJakarta();
    const sessions = await createStormSessions(edgeUrl, admin, hosts, date, { startTime: '08:00', endTime: '13:00', capacity: 500 });
    await waitUntilBookable(edgeUrl, date, sessions, 500, 'fault-suite sessions');
    slots = sessions.flatMap((s) => s.slots);
  }, 150_000);

  afterAll(async () => {
    loadRunning = false;
    await load;
    if (proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  test('only the edge listens beyond 127.0.0.1: the gateway, the subgraphs (with their /metrics and /ready) and PostgreSQL bind loopback 127.0.0.1 only', async () => {
    expect(listeners(ports.edge)).toEqual(['tcp:0200007F']);
    for (const part of ['gateway', ...SUBGRAPHS, 'pg'] as const) {
      expect({ part, listening: listeners(ports[part]) }).toEqual({ part, listening: ['tcp:0100007F'] });
      // Bound to every address, it would answer on the edge's address too.
      expect({ part, reachableOnEdgeAddress: await canConnect(EDGE_HOST, ports[part]) }).toEqual({ part, reachableOnEdgeAddress: false });
    }
    expect((await fetch(`http://127.0.0.1:${ports.booking}/ready`)).status).toBe(200);
  });

  test('the edge /ready names every part and answers 200 ready', async () => {
    const res = await fetch(`http://${EDGE_HOST}:${ports.edge}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      service: 'edge',
      checks: { gateway: 'up', booking: 'up', inventory: 'up', immunization: 'up', reporting: 'up', identity: 'up', feedback: 'up' },
    });
  });

  test('light load through the edge: reads and bookings are answered', async () => {
    load = runLoad();
    await sleep(3000);
    expect(outcomes.get('read OK')).toBeGreaterThan(10);
    expect(acknowledged.length).toBeGreaterThan(3);
  });

  for (const subgraph of SUBGRAPHS) {
    test(`kill -9 of ${subgraph}: the rest keeps serving, /ready says degraded, what needs ${subgraph} gets a typed answer at once, it comes back by itself`, async () => {
      const pid = pidOf(subgraph);
      process.kill(pid, 'SIGKILL');
      const killed = Date.now();
      await until(async () => !alive(pid), 2000, `${subgraph} to die`);
      // Before the restart has had time to complete (a subgraph needs seconds to start):
      const other = subgraph === 'booking' ? 'reporting' : 'booking';
      const downAtQuery = !(await serves(subgraph));
      const independent = await post(edgeUrl, READS[other]!);
      const dependent = await post(edgeUrl, READS[subgraph]!, {}, subgraph === 'immunization' ? citizen : undefined);
      const ready = await fetch(`http://${EDGE_HOST}:${ports.edge}/ready`);
      const readyBody = (await ready.json()) as { status: string; checks: Record<string, string> };
      const stillDown = !(await serves(subgraph));
      expect(downAtQuery).toBe(true);
      // On a failure, npm start's own last lines say what the platform did (once seen in CI, not reproduced).
      expect({ other, outcome: independent.outcome, ...(independent.outcome === 'OK' ? {} : { npmStart: out.slice(-3000) }) }).toEqual({
        other,
        outcome: 'OK',
      });
      expect(dependent.ms).toBeLessThan(ANSWER_BOUND_MS);
      expect(dependent.outcome).not.toMatch(/^(OK|UNTYPED|TIMEOUT|NETWORK)$/);
      if (stillDown) {
        expect(ready.status).toBe(200);
        expect(readyBody).toMatchObject({ status: 'degraded', checks: { gateway: 'up', [subgraph]: 'down', [other]: 'up' } });
      }
      await until(() => serves(subgraph), RESTART_BOUND_MS, `${subgraph} to serve again`);
      restartMs[subgraph] = Date.now() - killed;
      expect(pidOf(subgraph)).not.toBe(pid);
      await until(everythingServes, 10_000, 'every read through the edge');
    }, 60_000);
  }

  test('a query that needs a dead subgraph answers SUBGRAPH_UNAVAILABLE with serviceName, and the data of the healthy ones', async () => {
    const query = `{ facilities(type: PUSKESMAS) { edges { node { id name stock { usableDoses } } } } }`;
    const healthy = await post(edgeUrl, query);
    expect(healthy.outcome).toBe('OK');
    const pid = pidOf('inventory');
    process.kill(pid, 'SIGKILL');
    await until(async () => !alive(pid), 2000, 'inventory to die');
    const downAtQuery = !(await serves('inventory'));
    const answer = await post(edgeUrl, query);
    expect(downAtQuery).toBe(true);
    expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(answer.status).toBe(200);
    const errors = answer.body?.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'inventory' });
    const facilities = (answer.body?.data?.facilities as { edges: { node: { id: string; name: string; stock: unknown } }[] }).edges.map(
      (e) => e.node,
    );
    expect(facilities.length).toBe((healthy.body!.data!.facilities as { edges: unknown[] }).edges.length);
    expect(facilities.every((f) => f.id && f.name && f.stock === null)).toBe(true);
    await until(() => serves('inventory'), RESTART_BOUND_MS, 'inventory to serve again');
    await until(everythingServes, 10_000, 'every read through the edge');
  }, 60_000);

  test('kill -9 of the gateway: the edge answers 503 UNAVAILABLE with Retry-After at once and /ready 503; subgraphs keep serving; it comes back by itself', async () => {
    const pid = pidOf('gateway');
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    await until(async () => !alive(pid), 2000, 'gateway to die');
    const answer = await post(edgeUrl, READS.booking!);
    const ready = await fetch(`http://${EDGE_HOST}:${ports.edge}/ready`);
    const stillDown = !(await serves('gateway'));
    if (stillDown) {
      expect(answer).toMatchObject({ status: 503, outcome: 'UNAVAILABLE', retryAfter: '1' });
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not-ready', checks: { gateway: 'down' } });
    }
    for (const s of SUBGRAPHS) expect(await serves(s)).toBe(true);
    await until(() => serves('gateway'), RESTART_BOUND_MS, 'gateway to serve again');
    restartMs.gateway = Date.now() - killed;
    await until(everythingServes, 10_000, 'every read through the edge');
  }, 60_000);

  test('kill -9 of the edge: the gateway behind it keeps serving; the edge comes back by itself on the same port', async () => {
    const pid = pidOf('edge');
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    await until(async () => !alive(pid), 2000, 'edge to die');
    const direct = await post(`http://127.0.0.1:${ports.gateway}/graphql`, READS.booking!);
    expect(direct.outcome).toBe('OK');
    await until(() => serves('edge'), RESTART_BOUND_MS, 'edge to serve again');
    restartMs.edge = Date.now() - killed;
    await until(everythingServes, 10_000, 'every read through the edge');
  }, 60_000);

  test('kill -9 of PostgreSQL: while it restarts, requests that need it answer 503 UNAVAILABLE with Retry-After and no service process exits; it is restarted and every service serves again', async () => {
    const nodeParts = ['edge', 'gateway', ...SUBGRAPHS] as const;
    const pidsBefore = Object.fromEntries(nodeParts.map((p) => [p, pidOf(p)]));
    const pid = pidOf('postgres');
    const before = acknowledged.length;
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    await until(async () => !alive(pid), 2000, 'PostgreSQL to die');
    // Bookings need PostgreSQL: ask until it serves again (bounded by the restart bound).
    const during: Answer[] = [];
    while (Date.now() - killed < RESTART_BOUND_MS && !(await serves('postgres'))) {
      const slotId = slots[during.length % slots.length]!;
      during.push(await post(edgeUrl, BOOK, { input: { ...person(), doseKind: 'PRIMARY_1', slotId } }));
      await sleep(50);
    }
    await until(() => serves('postgres'), RESTART_BOUND_MS, 'PostgreSQL to serve again');
    restartMs.postgres = Date.now() - killed;
    expect(pidOf('postgres')).not.toBe(pid);
    const refused = during.filter((a) => a.outcome !== 'OK');
    pgOutage = `${during.length} bookings asked while PostgreSQL was down, ${refused.length} answered 503 UNAVAILABLE (max ${Math.max(0, ...during.map((a) => a.ms))} ms)`;
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect({ status: a.status, outcome: a.outcome, retryAfter: a.retryAfter !== null }).toEqual({
        status: 503,
        outcome: 'UNAVAILABLE',
        retryAfter: true,
      });
      expect(a.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    await until(everythingServes, 30_000, 'every read through the edge after the PostgreSQL restart');
    // Bookings are acknowledged again.
    await until(async () => acknowledged.length > before + 2, 15_000, 'bookings to be acknowledged again');
    // Every service rode it out: the same process, not a restart by the supervisor.
    expect(Object.fromEntries(nodeParts.map((p) => [p, pidOf(p)]))).toEqual(pidsBefore);
  }, 90_000);

  test('0 acknowledged bookings lost; no request hung; SIGTERM to the process group stops every process, PostgreSQL included', async () => {
    loadRunning = false;
    await load;
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.pg}/victori_booking` });
    await client.connect();
    const found = await client.query<{ n: string }>('select count(*) as n from appointment where id = any($1::uuid[])', [acknowledged]);
    await client.end();
    const lost = acknowledged.length - Number(found.rows[0]!.n);
    const untypedOrHung = [...outcomes].filter(([k]) => /UNTYPED|TIMEOUT/.test(k)).reduce((n, [, v]) => n + v, 0);

    const pgPid = pidOf('postgres');
    const all = [proc.pid!, ...childrenOf(proc.pid!).map((c) => c.pid), ...childrenOf(pgPid).map((c) => c.pid)];
    const signalled = Date.now();
    process.kill(-proc.pid!, 'SIGTERM');
    await until(async () => all.every((p) => !alive(p)), STOP_BOUND_MS, `every process to exit (${all.join(' ')})`);
    const stopMs = Date.now() - signalled;
    const code = await new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', resolve)));
    for (const port of Object.values(ports)) {
      expect({ port, open: (await canConnect('127.0.0.1', port)) || (await canConnect(EDGE_HOST, port)) }).toEqual({ port, open: false });
    }
    process.stdout.write(
      `faults-processes: restart ms ${Object.entries(restartMs)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; bookings acknowledged ${acknowledged.length}, lost ${lost}; outcomes ${[...outcomes]
        .map(([k, v]) => `${k} ${v}`)

        .join(', ')}; ${pgOutage}; stop after SIGTERM ${stopMs} ms (${all.length} processes), exit ${String(code)}\n`,
    );
    expect(lost).toBe(0);
    expect(untypedOrHung).toBe(0);
    expect(code).toBe(0);
  }, 60_000);

  test("kill -9 of npm start itself: its Node.js processes exit by themselves; the next npm start clears the orphaned PostgreSQL and serves; SIGTERM to npm's own PID stops everything", async () => {
    // Runs after the SIGTERM test: the same data directory, started again.
    proc = await launch(process.execPath, [path.join(root, 'platform/dist/start.js')]);
    const nodeChildren = childrenOf(proc.pid!)
      .filter((c) => !c.cmd.includes('postgres'))
      .map((c) => c.pid);
    const orphan = pidOf('postgres');
    // Every subgraph, the gateway and the edge.
    expect(nodeChildren).toHaveLength(SUBGRAPHS.length + 2);
    process.kill(proc.pid!, 'SIGKILL');
    // Their IPC channel to the parent closes: each closes itself.
    await until(async () => nodeChildren.every((p) => !alive(p)), STOP_BOUND_MS, 'the Node.js children of a killed npm start to exit');
    expect(alive(orphan)).toBe(true);

    // Through npm, as a user runs it: npm forwards SIGTERM to its script, whose shell used to die of it and leave start.js running.
    proc = await launch('npm', ['start', '--silent']);
    expect(alive(orphan)).toBe(false);
    expect(await everythingServes()).toBe(true);
    const start = childrenOf(proc.pid!).find((c) => c.cmd.includes('platform/dist/start.js'));
    expect(start).toBeDefined();
    const all = [proc.pid!, start!.pid, ...childrenOf(start!.pid).map((c) => c.pid)];
    const pgPid = pidOf('postgres');
    all.push(...childrenOf(pgPid).map((c) => c.pid));
    const signalled = Date.now();
    process.kill(proc.pid!, 'SIGTERM');
    await until(async () => all.every((p) => !alive(p)), STOP_BOUND_MS, `every process to exit after SIGTERM to npm (${all.join(' ')})`);
    process.stdout.write(
      `faults-processes: after kill -9 of npm start, its ${nodeChildren.length} Node.js children exited; SIGTERM to npm's PID stopped ${all.length} processes in ${Date.now() - signalled} ms\n`,
    );
  }, 120_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, ensureDatabase } from '@victori/shared';
import { gql, testAdminUrl, uniquePrefix } from '@victori/shared/testing';
import { freePort } from '../platform.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the compiled `npm start` entry (npm test builds first) with its own ports and data folder. */
function startPlatform(
  dataDir: string,
  ports: Record<string, number>,
  databaseUrls: Record<string, string> = {},
): { proc: ChildProcess; output: () => string; ready: Promise<string> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VICTORI_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(ports.pg),
    GATEWAY_PORT: String(ports.gateway),
    EDGE_PORT: String(ports.edge),
    BOOKING_PORT: String(ports.booking),
    INVENTORY_PORT: String(ports.inventory),
    IMMUNIZATION_PORT: String(ports.immunization),
    REPORTING_PORT: String(ports.reporting),
    IDENTITY_PORT: String(ports.identity),
    FEEDBACK_PORT: String(ports.feedback),
    LOG_LEVEL: 'warn',
  };
  // Embedded PostgreSQL: no external database URLs.
  delete env.BOOKING_DATABASE_URL;
  delete env.INVENTORY_DATABASE_URL;
  delete env.IMMUNIZATION_DATABASE_URL;
  delete env.REPORTING_DATABASE_URL;
  delete env.IDENTITY_DATABASE_URL;
  delete env.BUS_DATABASE_URL;
  Object.assign(env, databaseUrls);
  const proc = spawn(process.execPath, [path.join(root, 'platform/dist/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /VICTORI platform is up: (\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 100);
    proc.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`start exited with ${code}: ${out}`));
    });
  });
  return { proc, output: () => out, ready };
}

const stop = (proc: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });

function postgresPids(dataDir: string): number[] {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return [pid];
  } catch {
    return [];
  }
}

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'victori-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('starts everything on embedded PostgreSQL, serves Semarang data, stops cleanly on SIGTERM and reuses the data', async () => {
    const ports = {
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
    const first = startPlatform(dataDir, ports);
    const url = await first.ready;
    // The public URL is the edge's; the gateway sits behind it.
    expect(url).toBe(`http://localhost:${ports.edge}/graphql`);
    const res = await gql<{ areas: unknown[]; facilities: { totalCount: number } }>(
      url,
      `{ areas(level: KELURAHAN) { code } facilities { totalCount } }`,
    );
    expect(res.data!.areas).toHaveLength(177);
    expect(res.data!.facilities.totalCount).toBeGreaterThan(20);
    const initialised = statSync(path.join(dataDir, 'pg', 'PG_VERSION')).mtimeMs;

    expect(await stop(first.proc)).toBe(0);
    expect(postgresPids(dataDir)).toEqual([]);
    for (const port of Object.values(ports)) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }

    const second = startPlatform(dataDir, ports);
    await second.ready;
    expect(statSync(path.join(dataDir, 'pg', 'PG_VERSION')).mtimeMs).toBe(initialised);
    const again = await gql<{ areas: unknown[] }>(url, `{ areas(level: KELURAHAN) { code } }`);
    expect(again.data!.areas).toHaveLength(177);
    expect(await stop(second.proc)).toBe(0);
    expect(postgresPids(dataDir)).toEqual([]);
  }, 180_000);

  test('with a DATABASE_URL for every service it uses that PostgreSQL and starts no embedded one', async () => {
    const prefix = uniquePrefix('external');
    const external: Record<string, string> = {};
    for (const name of ['booking', 'inventory', 'immunization', 'reporting', 'identity', 'feedback', 'bus']) {
      external[`${name.toUpperCase()}_DATABASE_URL`] = await ensureDatabase(testAdminUrl(), `${prefix}_${name}`);
    }
    const externalDir = mkdtempSync(path.join(tmpdir(), 'victori-external-'));
    const ports = {
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
    const run = startPlatform(externalDir, ports, external);
    try {
      const url = await run.ready;
      const res = await gql<{ areas: unknown[] }>(url, `{ areas(level: KECAMATAN) { code } }`);
      expect(res.data!.areas).toHaveLength(16);
      expect(existsSync(path.join(externalDir, 'pg'))).toBe(false);
    } finally {
      expect(await stop(run.proc)).toBe(0);
      for (const name of ['booking', 'inventory', 'immunization', 'reporting', 'identity', 'feedback', 'bus'])
        await dropDatabase(testAdminUrl(), `${prefix}_${name}`);
      rmSync(externalDir, { recursive: true, force: true });
    }
  }, 120_000);

  test('npm run token prints a token the gateway accepts with the role and facility asked for', async () => {
    const proc = spawn(process.execPath, [path.join(root, 'platform/dist/token.js'), '--role', 'health-worker', '--facility', 'f-1'], {
      env: { ...process.env, VICTORI_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    expect(await new Promise((resolve) => proc.once('exit', resolve))).toBe(0);
    const [, payload] = out.trim().split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({
      role: 'health-worker',
      facility: 'f-1',
      iss: 'victori',
    });
  });

  test('a wrong configuration value names the variable and exits non-zero', async () => {
    const proc = spawn(process.execPath, [path.join(root, 'services/booking/dist/index.js')], {
      env: {
        ...process.env,
        BOOKING_PORT: 'not-a-port',
        BOOKING_DATABASE_URL: 'postgres://x@127.0.0.1/x',
        BUS_DATABASE_URL: 'postgres://x@127.0.0.1/x',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(78);
    expect(err).toContain('BOOKING_PORT must be an integer');
  });
});

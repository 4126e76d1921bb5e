import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, type EmbeddedPg } from '@victori/shared';
import { freePort } from '../platform.js';

export interface BenchCluster {
  adminUrl: string;
  /** The embedded cluster's postmaster (undefined with BENCH_DATABASE_URL). */
  postmasterPid(): number | undefined;
  database(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A PostgreSQL for benchmarks: BENCH_DATABASE_URL (an admin URL) or a fresh embedded cluster. */
export async function benchCluster(external = process.env.BENCH_DATABASE_URL): Promise<BenchCluster> {
  let pg: EmbeddedPg | undefined;
  let dir: string | undefined;
  let adminUrl = external;
  if (!adminUrl) {
    dir = mkdtempSync(path.join(tmpdir(), 'victori-bench-pg-'));
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
    adminUrl = pg.adminUrl;
  }
  const created: string[] = [];
  const admin = adminUrl;
  return {
    adminUrl: admin,
    postmasterPid() {
      if (!dir) return undefined;
      try {
        return Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        return undefined;
      }
    },
    async database(name) {
      created.push(name);
      await dropDatabase(admin, name);
      return ensureDatabase(admin, name);
    },
    async close() {
      for (const name of created) await dropDatabase(admin, name).catch(() => undefined);
      await pg?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { percentile } from './stats.js';

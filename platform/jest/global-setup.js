// Starts one embedded PostgreSQL for the whole run (or uses TEST_DATABASE_URL, an admin URL of an
// external server). Every test file creates its own databases on it, so runs never share state.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../shared/dist/config.js';
import { startEmbeddedPostgres } from '../../shared/dist/postgres.js';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.VICTORI_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'victori-test-pg-')), 'pg');
  let pg;
  try {
    pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  } catch (error) {
    // A setup problem with a known fix (PostgresAccessError): its message, not a stack trace.
    if (error instanceof ConfigError) {
      process.stderr.write(`\n${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  globalThis.__VICTORI_PG__ = { pg, dataDir };
  process.env.VICTORI_TEST_ADMIN_URL = pg.adminUrl;
}

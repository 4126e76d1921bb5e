import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertPostgresCanReach, firstUnreachable, PostgresAccessError, type OsUser } from './pg-access.js';

const stranger: OsUser = { name: 'postgres', uid: 64_999, gid: 64_999 };

describe('a checkout the embedded PostgreSQL user cannot reach', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'victori-reach-'));
  const home = path.join(base, 'root');
  const bin = path.join(home, 'checkout', 'node_modules', 'native', 'bin');
  beforeAll(() => {
    mkdirSync(bin, { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(home, 0o700); // like /root in a container
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('the folder that blocks the way is found', () => {
    expect(firstUnreachable(bin, stranger)).toBe(home);
    expect(firstUnreachable(path.join(bin, 'not-yet-created'), stranger)).toBe(home);
    chmodSync(home, 0o711);
    try {
      expect(firstUnreachable(bin, stranger)).toBeUndefined();
    } finally {
      chmodSync(home, 0o700);
    }
  });

  test('start stops at once with a message naming the folder and the fixes, not spawn EACCES', () => {
    let error: unknown;
    try {
      assertPostgresCanReach([{ what: 'initdb', path: bin }], stranger);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PostgresAccessError);
    const message = (error as Error).message;
    expect(message).toContain(`cannot enter ${home} (mode 700)`);
    expect(message).toContain(`chmod o+x ${home}`);
    expect(message).toContain('TEST_DATABASE_URL');
  });

  test('a reachable place passes', () => {
    expect(() => assertPostgresCanReach([{ what: 'the data directory', path: path.join(base, 'pg') }], stranger)).not.toThrow();
  });
});

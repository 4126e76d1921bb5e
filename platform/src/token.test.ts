import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'victori-token-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What `npm run -s token -- <args>` runs (package.json): the built entry, rebuilt only when sources changed. */
function token(...args: string[]): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['platform/bin/run-built.mjs', 'platform/dist/token.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, VICTORI_DATA_DIR: dataDir },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

describe('npm run token', () => {
  test('prints only the token, and answers in under a second when nothing changed', () => {
    token('--role', 'admin'); // first call: key pair generated (and a build if the tree is stale)
    const r = token('--role', 'health-worker', '--facility', '6f1c2a10-0000-4000-8000-000000000002');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(r.stdout.trim())).toMatchObject({ role: 'health-worker', facility: '6f1c2a10-0000-4000-8000-000000000002' });
    expect(r.ms).toBeLessThan(1000);
  });

  test('--help explains the options; a wrong argument is a message and the usage, not a stack trace', () => {
    const help = token('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--facility');
    for (const args of [['--role', 'king'], ['--bogus'], ['--role', 'health-worker'], ['--role', 'admin', '--ttl', 'soon']]) {
      const r = token(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('--role <role>');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

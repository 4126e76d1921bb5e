import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run new:subgraph` as a new developer runs it: in a copy of the repository (sources only; node_modules
 * linked entry by entry, the workspace links pointing into the copy), the scaffold, the build, compose,
 * and a query of the new subgraph through the gateway of the copy's own test platform.
 */
const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** The repository as a clone has it (tracked files and new ones not ignored), with the work in progress. */
function copyRepository(): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'victori-scaffold-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && statSync(path.join(repo, f), { throwIfNoEntry: false })?.isFile());
  for (const file of files) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    copyFileSync(path.join(repo, file), path.join(copy, file));
  }
  const modules = path.join(copy, 'node_modules');
  mkdirSync(path.join(modules, '@victori'), { recursive: true });
  for (const entry of readdirSync(path.join(repo, 'node_modules'))) {
    if (entry !== '@victori') symlinkSync(path.join(repo, 'node_modules', entry), path.join(modules, entry));
  }
  // The workspace links are relative (../../services/x): in the copy they point at the copy's workspaces.
  for (const entry of readdirSync(path.join(repo, 'node_modules/@victori'))) {
    symlinkSync(readlinkSync(path.join(repo, 'node_modules/@victori', entry)), path.join(modules, '@victori', entry));
  }
  return copy;
}

const run = (cwd: string, args: string[]) =>
  spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 300_000 });
const tsc = (cwd: string) =>
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { cwd, encoding: 'utf8' });

function fingerprint(root: string, files: string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(path.join(root, f)))
        .digest('hex'),
    ]),
  );
}

describe('npm run new:subgraph in a fresh copy of the repository', () => {
  let copy: string;

  beforeAll(() => {
    copy = copyRepository();
    tsc(copy);
  }, 300_000);
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  test('refuses a bad name and an existing subgraph with a sentence, and changes nothing', () => {
    const before = fingerprint(copy, ['package.json', 'shared/src/config.ts', 'platform/src/services.ts']);
    for (const [name, says] of [
      ['HPV-School', /lowercase letters and digits/],
      ['booking', /existing subgraph/],
      ['gateway', /reserved/],
    ] as const) {
      const res = run(copy, ['platform/dist/scaffold.js', name, '--no-install']);
      expect({ name, status: res.status }).toEqual({ name, status: 2 });
      expect(res.stderr).toMatch(says);
    }
    expect(fingerprint(copy, Object.keys(before))).toEqual(before);
  });

  test('generates hpv, registers it, builds and composes; a second run changes nothing; the gateway answers its query', () => {
    const first = run(copy, ['platform/dist/scaffold.js', 'hpv', '--no-install']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/new:subgraph hpv: 25 files written/);
    const touched = [
      'package.json',
      'platform/tsconfig.json',
      'shared/src/config.ts',
      'platform/src/services.ts',
      'platform/src/start.ts',
      'platform/src/launch.ts',
      'platform/src/bench/run.ts',
      'jest.config.js',
      'shared/src/events/contracts/index.ts',
      'platform/src/e2e/authz-matrix.int.test.ts',
      'services/hpv/src/service.ts',
      'deploy/kubernetes/victori.yaml',
    ].filter((f) => statSync(path.join(copy, f), { throwIfNoEntry: false }));
    const once = fingerprint(copy, touched);
    const second = run(copy, ['platform/dist/scaffold.js', 'hpv', '--no-install']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/0 files written, 25 kept/);
    expect(second.stdout).not.toMatch(/ registered /);
    expect(fingerprint(copy, touched)).toEqual(once);

    expect(readFileSync(path.join(copy, 'deploy/kubernetes/victori.yaml'), 'utf8')).toMatch(/HPV_DATABASE_URL/);
    // Appended to SERVICES, with the next free default port.
    const config = readFileSync(path.join(copy, 'shared/src/config.ts'), 'utf8');
    expect(config).toMatch(/, 'hpv'\] as const;/);
    const ports = [...config.slice(config.indexOf('DEFAULT_PORTS')).matchAll(/^ {2}(\w+): (\d+),$/gm)].map(
      (m) => [m[1], Number(m[2])] as const,
    );
    const hpvPort = ports.find(([name]) => name === 'hpv')?.[1];
    expect(hpvPort).toBe(Math.max(...ports.filter(([name]) => name !== 'hpv').map(([, port]) => port)) + 1);
    tsc(copy);
    // Tests and tools type-check too (npm run lint's tsc step), and the generated code passes the house lint.
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.eslint.json'], { cwd: copy, encoding: 'utf8' });
    execFileSync(process.execPath, ['node_modules/eslint/bin/eslint.js', 'services/hpv', 'shared/src/events/contracts/hpv.ts'], {
      cwd: copy,
      encoding: 'utf8',
    });
    const composed = run(copy, ['platform/dist/compose.js']);
    expect(composed.stderr).toBe('');
    expect(composed.stdout).toMatch(/Wrote \d+ subgraph schemas/);
    expect(readFileSync(path.join(copy, 'services/hpv/schema.graphql'), 'utf8')).toMatch(/type HpvRecord @key\(fields: "id"\)/);
    expect(readFileSync(path.join(copy, 'supergraph.graphql'), 'utf8')).toMatch(/hpvRecords: \[HpvRecord!\]! @join__field\(graph: HPV\)/);
    expect(run(copy, ['platform/dist/compose.js', '--check']).status).toBe(0);

    // The copy's own test platform (every subgraph on fresh databases, the gateway on the composed supergraph).
    const probe = `
      import { startTestPlatform } from './platform/dist/testing.js';
      import { gql } from '@victori/shared/testing';
      const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
      const platform = await startTestPlatform('scaffoldcopy');
      try {
        const token = await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
        const created = await gql(platform.gatewayUrl, 'mutation($i: CreateHpvRecordInput!) { createHpvRecord(input: $i) { id title } }', { i: { facilityId: MIROTO, title: 'Vaksinasi HPV kelas 5' } }, { token });
        const read = await gql(platform.gatewayUrl, 'query($id: ID!) { facility(id: $id) { name hpvRecords { title facility { id } } } }', { id: MIROTO }, { token });
        const refused = await gql(platform.gatewayUrl, 'query($id: ID!) { facility(id: $id) { hpvRecords { title } } }', { id: MIROTO });
        process.stdout.write(JSON.stringify({ created, read, refused: refused.errors?.[0]?.extensions?.code }));
      } finally {
        await platform.close();
      }`;
    const answered = run(copy, ['--input-type=module', '-e', probe]);
    expect(answered.stderr).toBe('');
    const out = JSON.parse(answered.stdout) as {
      created: { data: { createHpvRecord: { title: string } } };
      read: { data: { facility: { name: string; hpvRecords: { title: string; facility: { id: string } }[] } } };
      refused: string;
    };
    expect(out.created.data.createHpvRecord.title).toBe('Vaksinasi HPV kelas 5');
    expect(out.read.data.facility.name).toMatch(/Miroto/);
    expect(out.read.data.facility.hpvRecords).toEqual([
      { title: 'Vaksinasi HPV kelas 5', facility: { id: '6f1c2a10-0000-4000-8000-000000000002' } },
    ]);
    expect(out.refused).toBe('UNAUTHENTICATED');
  }, 600_000);
});

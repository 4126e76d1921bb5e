import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaffoldError, subgraphNames, type SubgraphNames } from './scaffold/names.js';
import { register, type RegistrationResult } from './scaffold/register.js';
import { subgraphFiles } from './scaffold/templates.js';

export { ScaffoldError, subgraphNames };

export interface ScaffoldResult {
  names: SubgraphNames;
  written: string[];
  kept: string[];
  registrations: RegistrationResult[];
}

/**
 * `npm run new:subgraph <name>`: writes services/<name> in the module shape and registers it everywhere the
 * platform lists its subgraphs. Files that exist are kept (never overwritten) and registrations that are
 * there are left alone, so a second run changes nothing; a missing insertion point stops it before any
 * file is written. Then `npm run compose` and `npm test` pass.
 */
export function scaffold(root: string, rawName: string | undefined, now = new Date()): ScaffoldResult {
  const names = subgraphNames(rawName);
  const files = subgraphFiles(names, now);
  // A subgraph that exists is never rewritten (it may have grown by hand): a second run only completes
  // missing registrations. A run that stopped half-way completes the files it had not written yet.
  const grown = existsSync(path.join(root, 'services', names.name, 'src/service.ts'));
  const hasMigration = existsSync(path.join(root, 'services', names.name, 'src/migrations/index.ts'));
  // Registration first: it checks every insertion point before writing anything.
  const registrations = register(root, names);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, file);
    if (grown || existsSync(full) || (hasMigration && file.includes('/src/migrations/'))) {
      kept.push(file);
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    written.push(file);
  }
  // The workspace link npm would make, so that the build and tests resolve @victori/<name> before `npm install`.
  const link = path.join(root, 'node_modules', '@victori', names.name);
  if (existsSync(path.join(root, 'node_modules', '@victori')) && !isLink(link)) symlinkSync(`../../services/${names.name}`, link);
  return { names, written, kept, registrations };
}

function isLink(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function main(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = process.argv.slice(2);
  const install = !args.includes('--no-install');
  const name = args.find((a) => !a.startsWith('--'));
  let result: ScaffoldResult;
  try {
    result = scaffold(root, name);
  } catch (error) {
    if (error instanceof ScaffoldError) {
      process.stderr.write(`new:subgraph: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { names, written, kept, registrations } = result;
  const changedFiles = [...new Set(registrations.filter((r) => r.changed).map((r) => r.file))];
  // Generated and edited files in the house format, so that `npm run lint` passes right away.
  const toFormat = [...written, ...changedFiles].filter((f) => /\.(ts|js|json|md)$/.test(f));
  if (toFormat.length)
    execFileSync(path.join(root, 'node_modules/.bin/prettier'), ['--write', '--log-level', 'warn', ...toFormat], {
      cwd: root,
      stdio: 'inherit',
    });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`new:subgraph ${names.name}: ${written.length} files written${kept.length ? `, ${kept.length} kept as they were` : ''}`);
  for (const r of registrations) out(`  ${r.changed ? 'registered' : 'already   '}  ${r.file}  (${r.what})`);
  if (install && changedFiles.includes('package.json')) {
    // Records the new workspace in package-lock.json (npm ci in CI needs it); no new package is downloaded.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: root, stdio: 'inherit' });
  }
  // The release manifests list every subgraph (deploy/kubernetes/victori.yaml is checked in and tested): rendered
  // from the built code, so the new subgraph is built first.
  if (existsSync(path.join(root, 'platform/src/deploy/render.ts')) && changedFiles.length > 0) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
    execFileSync(process.execPath, ['platform/dist/deploy/render.js', '--out', 'deploy/kubernetes/victori.yaml'], {
      cwd: root,
      stdio: 'inherit',
    });
    out('  rendered    deploy/kubernetes/victori.yaml  (release manifests)');
  }
  out(`
Next:
  npm run compose          # builds, prints services/${names.name}/schema.graphql, recomposes supergraph.graphql
  npm test                 # or the new tests only: services/${names.name}/src
  npm start                # ${names.name} runs with the others; its port is DEFAULT_PORTS.${names.name}
Then replace the sample aggregate (src/modules/record) with the programme's own, keeping the shape
(docs/module-shape.md), and add a row to platform/src/e2e/authz-matrix.int.test.ts for each new root field.`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();

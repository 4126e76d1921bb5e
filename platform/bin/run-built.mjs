// Runs a built entry point (e.g. platform/dist/token.js), building first only when a source is newer
// than its project's last build. Plain JavaScript so that it needs no build itself: `npm run token`
// answers at once when nothing changed instead of spending seconds in `tsc -b`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const projects = ['shared', 'gateway', 'platform', ...readdirSync(path.join(root, 'services')).map((s) => `services/${s}`)];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The newest modification time of any file below dir (0 when it does not exist). */
function newestFile(dir) {
  let newest = 0;
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

const stale = projects.filter((p) => {
  const dir = path.join(root, p);
  const built = mtime(path.join(dir, 'tsconfig.tsbuildinfo'));
  return built === 0 || Math.max(newestSource(path.join(dir, 'src')), mtime(path.join(dir, 'tsconfig.json'))) > built;
});

if (stale.length > 0) {
  process.stderr.write(`building (${stale.join(', ')} changed)...\n`);
  // stdout goes to stderr: whatever the entry prints (a token) must be all that stdout carries.
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc -b leaves an up-to-date project's build info untouched; mark it checked so the next call skips the build.
  const now = new Date();
  for (const p of stale) {
    try {
      utimesSync(path.join(root, p, 'tsconfig.tsbuildinfo'), now, now);
    } catch {
      // a project without build info is rebuilt next time, which is only slower
    }
  }
}

// --with-web (npm start): the web app the edge serves is built too when its sources are newer than web/dist.
const argv = process.argv.slice(2);
const withWeb = argv[0] === '--with-web';
if (withWeb) argv.shift();
if (withWeb) {
  const web = path.join(root, 'web');
  const newestWeb = Math.max(
    newestFile(path.join(web, 'src')),
    mtime(path.join(web, 'index.html')),
    mtime(path.join(root, 'supergraph.graphql')),
  );
  if (newestWeb > mtime(path.join(web, 'dist', 'index.html'))) {
    process.stderr.write('building the web app...\n');
    const npm = process.env.npm_execpath;
    const result = npm
      ? spawnSync(process.execPath, [npm, 'run', 'build:web', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] })
      : spawnSync('npm', ['run', 'build:web', '--silent'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

const [entry, ...args] = argv;
if (!entry) {
  process.stderr.write('usage: node platform/bin/run-built.mjs <dist entry.js> [args...]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(root, entry), ...args];
await import(pathToFileURL(path.resolve(root, entry)).href);

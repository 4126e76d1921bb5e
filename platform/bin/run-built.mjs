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

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node platform/bin/run-built.mjs <dist entry.js> [args...]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(root, entry), ...args];
await import(pathToFileURL(path.resolve(root, entry)).href);

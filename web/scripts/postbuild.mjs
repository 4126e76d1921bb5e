// After vite build: write the persisted-documents manifest and enforce the entry page's JavaScript budget.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runnerImport } from 'vite';
import { createRequest, stringifyDocument } from '@urql/core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(root, 'dist');
export const BUDGET_BYTES = 100 * 1024;

// The exact text urql sends and hashes (stringifyDocument, sha256), so the manifest's keys are the hashes
// the app sends: { "<sha256>": "<document>" } for GATEWAY_TRUSTED_DOCUMENTS.
const { module: ops } = await runnerImport(join(root, 'src/operations.ts'));
const { module: auth } = await runnerImport(join(root, 'src/auth-documents.ts'));
const { module: board } = await runnerImport(join(root, 'src/staff/board/operations.ts'));
const { module: desk } = await runnerImport(join(root, 'src/staff/desk/desk.operations.ts'));
const { module: certs } = await runnerImport(join(root, 'src/certs/operations.ts'));
const { module: feedback } = await runnerImport(join(root, 'src/feedback/operations.ts'));
const documents = [
  ...Object.values(ops),
  ...Object.values(auth.SIGN_IN_DOCUMENTS),
  ...Object.values(board),
  ...Object.values(desk),
  ...Object.values(certs),
  ...Object.values(feedback),
];
const manifest = {};
for (const doc of documents) {
  // The same path as the client: a string is parsed first (createRequest), then printed.
  const text = stringifyDocument(createRequest(doc, {}).query);
  manifest[createHash('sha256').update(text).digest('hex')] = text;
}
writeFileSync(join(dist, 'persisted-documents.json'), JSON.stringify(manifest, null, 2) + '\n');

// The entry page's JavaScript: every script index.html loads, and what those import statically.
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const seen = new Set();
const visit = (file) => {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) visit(`assets/${m[1]}`);
};
entry.forEach(visit);
let gz = 0;
for (const file of seen) gz += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
console.log(
  `web: ${Object.keys(manifest).length} persisted documents in dist/persisted-documents.json; entry page JavaScript ${(gz / 1024).toFixed(1)} KiB gzipped (${seen.size} of ${all.length} chunks), budget ${BUDGET_BYTES / 1024} KiB`,
);
if (gz > BUDGET_BYTES) {
  console.error(`web: entry page JavaScript is over budget: ${gz} > ${BUDGET_BYTES} bytes gzipped`);
  process.exit(1);
}

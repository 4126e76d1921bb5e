/**
 * npm run deploy:render -- [--values values.json] [--secrets secrets.env] [--out file.yaml]
 * Writes the release's manifests as one YAML stream (stdout unless --out), validated against the
 * Kubernetes schemas. Without --secrets the Secret is referenced, not rendered: the operator creates it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { defaultValues, mergeValues, renderManifests, type DeployValues } from './manifests.js';

const HELP = `Usage: npm run deploy:render -- [--values values.json] [--secrets secrets.env] [--out file.yaml]

  --values   JSON overriding the defaults (see deploy/kubernetes/values.example.json)
  --secrets  KEY=value lines: render the Secret too (a rehearsal cluster only; never commit it)
  --out      write to this file instead of standard output
`;

export function toYaml(objects: unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${index + 1}: expected KEY=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

function main(): void {
  const { values: args } = parseArgs({
    options: { values: { type: 'string' }, secrets: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  let values: DeployValues = defaultValues();
  if (args.values) values = mergeValues(values, JSON.parse(readFileSync(args.values, 'utf8')) as Partial<DeployValues>);
  const secretData = args.secrets ? parseEnvFile(readFileSync(args.secrets, 'utf8')) : undefined;
  const yaml = toYaml(renderManifests(values, { secretData }));
  if (args.out) writeFileSync(args.out, yaml);
  else process.stdout.write(yaml);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`deploy:render: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

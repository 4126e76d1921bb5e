import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ScaffoldError, type SubgraphNames } from './names.js';
import { authzRows } from './templates.js';

/**
 * Where a new subgraph must be registered, as exact text edits: each finds one exact insertion point (a
 * line of a known shape), says whether the subgraph is already there, and inserts one line (or a few)
 * otherwise. So a second run changes nothing, and a file whose shape changed fails with the file and
 * the line it looked for instead of a wrong edit. No AST: the files stay as their authors formatted them.
 */
export interface Registration {
  /** Repository-relative file. */
  file: string;
  /** What the edit registers, for the report. */
  what: string;
  /** The new text, or `undefined` when the subgraph is already registered there. Throws when the insertion point is missing. */
  apply(text: string, n: SubgraphNames): string | undefined;
}

export interface RegistrationResult {
  file: string;
  what: string;
  changed: boolean;
}

function missing(file: string, looked: string): ScaffoldError {
  return new ScaffoldError(
    `${file}: cannot find where to register the subgraph (looked for ${looked}); register it by hand or restore that line`,
  );
}

const lines = (text: string): string[] => text.split('\n');

/** Inserts `insert` after the last line matching `anchor`. */
function afterLast(file: string, text: string, anchor: RegExp, insert: string): string {
  const all = lines(text);
  let at = -1;
  all.forEach((line, i) => {
    if (anchor.test(line)) at = i;
  });
  if (at < 0) throw missing(file, String(anchor));
  all.splice(at + 1, 0, insert);
  return all.join('\n');
}

/** Inserts `insert` before the first line matching `anchor` (after the first line matching `after`, when given). */
function beforeFirst(file: string, text: string, anchor: RegExp, insert: string, after?: RegExp): string {
  const all = lines(text);
  const from = after ? all.findIndex((l) => after.test(l)) : 0;
  if (from < 0) throw missing(file, String(after));
  const at = all.findIndex((l, i) => i >= from && anchor.test(l));
  if (at < 0) throw missing(file, String(anchor));
  all.splice(at, 0, insert);
  return all.join('\n');
}

/**
 * For every line matching `anchor`, makes sure the block of lines of `member` shape around it (the list it
 * belongs to) has the subgraph's line, inserted right after the anchor. Returns the count of anchors too.
 */
function intoEveryBlock(
  text: string,
  anchor: RegExp,
  member: RegExp,
  mine: RegExp,
  make: (indent: string) => string,
): { text: string; anchors: number } {
  const all = lines(text);
  let anchors = 0;
  for (let i = 0; i < all.length; i++) {
    if (!anchor.test(all[i]!)) continue;
    anchors++;
    let start = i;
    while (start > 0 && member.test(all[start - 1]!)) start--;
    let end = i;
    while (end + 1 < all.length && member.test(all[end + 1]!)) end++;
    if (all.slice(start, end + 1).some((l) => mine.test(l))) continue;
    const indent = /^\s*/.exec(all[i]!)![0];
    all.splice(i + 1, 0, make(indent));
    i++;
  }
  return { text: all.join('\n'), anchors };
}

/**
 * In every list that starts with `anchor` and ends at the next `end` (on one line or, once prettier wrapped it,
 * several), makes sure `mine` is there, inserting `insert` right after the anchor. Lists without `needs` are
 * not the ones meant. Undefined when every list has it already.
 */
function afterEachAnchor(
  file: string,
  text: string,
  anchor: string,
  end: string,
  mine: string,
  insert: string,
  needs?: string,
): string | undefined {
  let out = '';
  let from = 0;
  let lists = 0;
  let changed = false;
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + anchor.length)) {
    const close = text.indexOf(end, at);
    const list = text.slice(at, close < 0 ? text.length : close);
    if (needs && !list.includes(needs)) continue;
    lists++;
    if (list.includes(mine)) continue;
    out += text.slice(from, at + anchor.length) + insert;
    from = at + anchor.length;
    changed = true;
  }
  if (lists === 0) throw missing(file, `${anchor} ... ${needs ?? ''}${end}`);
  return changed ? out + text.slice(from) : undefined;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The registrations of the platform's own files (one per file; files with lists of ports are found by their lines). */
export function registrations(root: string): Registration[] {
  const fixed: Registration[] = [
    {
      file: 'package.json',
      what: 'npm workspace',
      apply(text, n) {
        if (text.includes(`"services/${n.name}"`)) return undefined;
        const last = /^(\s*)"services\/[a-z0-9-]+",$/;
        const line = lines(text).find((l) => last.test(l));
        if (!line) throw missing(this.file, '"services/<name>", in workspaces');
        return afterLast(this.file, text, last, `${/^\s*/.exec(line)![0]}"services/${n.name}",`);
      },
    },
    {
      file: 'platform/tsconfig.json',
      what: 'TypeScript build reference (npm run build, tsc -b)',
      apply(text, n) {
        if (text.includes(`"../services/${n.name}"`)) return undefined;
        const all = lines(text);
        let at = -1;
        all.forEach((l, i) => {
          if (/^\s*\{ "path": "\.\.\/services\/[a-z0-9-]+" \},?$/.test(l)) at = i;
        });
        if (at < 0) throw missing(this.file, '{ "path": "../services/<name>" } in references');
        const line = all[at]!;
        const indent = /^\s*/.exec(line)![0];
        if (line.endsWith(',')) all.splice(at + 1, 0, `${indent}{ "path": "../services/${n.name}" },`);
        else {
          all[at] = `${line},`;
          all.splice(at + 1, 0, `${indent}{ "path": "../services/${n.name}" }`);
        }
        return all.join('\n');
      },
    },
    {
      file: 'shared/src/config.ts',
      what: 'SERVICES and ServiceName, DEFAULT_PORTS',
      apply(text, n) {
        let out = text;
        const list = /^(export const SERVICES = \[)(.*)(\] as const;)$/m;
        const found = list.exec(out);
        if (!found) throw missing(this.file, 'export const SERVICES = [...] as const;');
        let changed = false;
        if (!found[2]!.split(',').some((s) => s.trim() === `'${n.name}'`)) {
          out = out.replace(list, `$1$2, '${n.name}'$3`);
          changed = true;
        }
        const start = out.indexOf('export const DEFAULT_PORTS');
        const end = start < 0 ? -1 : out.indexOf('\n};', start);
        if (start < 0 || end < 0) throw missing(this.file, 'export const DEFAULT_PORTS = { ... };');
        const block = out.slice(start, end);
        if (!new RegExp(`\\n\\s+${esc(n.name)}: \\d+,`).test(block)) {
          const ports = [...block.matchAll(/:\s*(\d{2,5}),/g)].map((m) => Number(m[1]));
          const port = Math.max(...ports) + 1;
          out = `${out.slice(0, end)}\n  ${n.name}: ${port},${out.slice(end)}`;
          changed = true;
        }
        return changed ? out : undefined;
      },
    },
    {
      file: 'platform/src/services.ts',
      what: 'SERVICE_DEFINITIONS (compose, the test platform, npm start)',
      apply(text, n) {
        if (text.includes(`@victori/${n.name}/service'`)) return undefined;
        let out = afterLast(
          this.file,
          text,
          /^import \{ \w+Service \} from '@victori\/[a-z0-9-]+\/service';$/,
          `import { ${n.camel}Service } from '@victori/${n.name}/service';`,
        );
        out = beforeFirst(
          this.file,
          out,
          /^};$/,
          `  ${n.name}: ${n.camel}Service as unknown as ServiceDefinition<BaseContext>,`,
          /^export const SERVICE_DEFINITIONS/,
        );
        return out;
      },
    },
    {
      file: 'jest.config.js',
      what: 'Jest module mapping (tests run the sources)',
      apply(text, n) {
        if (text.includes(`'^@victori/${n.name}/service$'`)) return undefined;
        return beforeFirst(
          this.file,
          text,
          /^\s*'\^\(\\\\\.\{1,2\}\/\.\*\)\\\\\.js\$': '\$1',$/,
          `    '^@victori/${n.name}/service$': '<rootDir>/services/${n.name}/src/service.ts',\n    '^@victori/${n.name}$': '<rootDir>/services/${n.name}/src/index.ts',`,
        );
      },
    },
    {
      file: 'platform/src/start.ts',
      what: 'npm start: the port (<NAME>_PORT)',
      apply(text, n) {
        if (text.includes(`${n.name}: port('${n.name}'),`)) return undefined;
        const anchor = /^(\s*)edge: env\.int\('EDGE_PORT'/;
        const line = lines(text).find((l) => anchor.test(l));
        if (!line) throw missing(this.file, "edge: env.int('EDGE_PORT', ...) in the ports of launchPlatform");
        return beforeFirst(this.file, text, anchor, `${/^\s*/.exec(line)![0]}${n.name}: port('${n.name}'),`);
      },
    },
    {
      file: 'platform/src/launch.ts',
      what: 'the launched processes: the live pid',
      apply(text, n) {
        if (text.includes(`get ${n.camel}() {`)) return undefined;
        return beforeFirst(this.file, text, /^    get gateway\(\) \{$/, `    get ${n.camel}() {\n      return pidOf('${n.name}');\n    },`);
      },
    },
    {
      file: 'shared/src/events/contracts/index.ts',
      what: 'event contracts',
      apply(text, n) {
        const line = `export * from './${n.name}.js';`;
        if (text.includes(line)) return undefined;
        return `${text.trimEnd()}\n${line}\n`;
      },
    },
    {
      file: 'platform/src/e2e/authz-matrix.int.test.ts',
      what: 'authorization matrix rows of the sample root fields',
      apply(text, n) {
        if (text.includes(`// ---- ${n.name} (npm run new:subgraph ${n.name})`)) return undefined;
        return beforeFirst(this.file, text, /^};$/, authzRows(n), /^const MATRIX: Record<string, Case \| Case\[\]> = \{$/);
      },
    },
    {
      file: 'platform/src/e2e/faults-processes.int.test.ts',
      what: "the edge's /ready checks",
      apply(text, n) {
        return afterEachAnchor(this.file, text, "identity: 'up'", '}', `${n.name}: 'up'`, `, ${n.name}: 'up'`);
      },
    },
    {
      file: 'platform/src/e2e/start.int.test.ts',
      what: 'the databases of an external PostgreSQL',
      apply(text, n) {
        return afterEachAnchor(this.file, text, "'identity'", ']', `'${n.name}'`, `, '${n.name}'`, "'bus'");
      },
    },
  ];

  // Every list of ports the platform's tools and tests hand out (the benchmark's process list, npm start's
  // tests, the fault tests): each gets the new subgraph's free port and its <NAME>_PORT.
  const portFiles = tsFiles(path.join(root, 'platform/src')).filter((f) =>
    /^\s*identity: await freePort\(\),$/m.test(readFileSync(f, 'utf8')),
  );
  const bench = portFiles.filter((f) => f.includes(`${path.sep}bench${path.sep}`));
  if (bench.length === 0) throw missing('platform/src/bench/', "identity: await freePort(), (the benchmark's process ports)");
  const ports: Registration[] = portFiles.map((f) => ({
    file: path.relative(root, f),
    what: 'free ports of the launched processes',
    apply(text, n) {
      const a = intoEveryBlock(
        text,
        /^\s*identity: await freePort\(\),$/,
        /^\s*\w+: await freePort\(\),$/,
        new RegExp(`^\\s*${esc(n.name)}: await freePort\\(\\),$`),
        (indent) => `${indent}${n.name}: await freePort(),`,
      );
      const b = intoEveryBlock(
        a.text,
        /^\s*IDENTITY_PORT: String\(ports\.identity\),$/,
        /^\s*[A-Z0-9]+_PORT: String\(ports\.\w+\),$/,
        new RegExp(`^\\s*${esc(n.upper)}_PORT: String\\(ports\\.${esc(n.name)}\\),$`),
        (indent) => `${indent}${n.upper}_PORT: String(ports.${n.name}),`,
      );
      return b.text === text ? undefined : b.text;
    },
  }));
  return [...fixed, ...ports];
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** Applies every registration under `root`; every insertion point is checked before any file is written. */
export function register(root: string, n: SubgraphNames): RegistrationResult[] {
  const texts = new Map<string, string>();
  const results: RegistrationResult[] = [];
  for (const r of registrations(root)) {
    const before = texts.get(r.file) ?? readFileSync(path.join(root, r.file), 'utf8');
    const after = r.apply(before, n);
    if (after !== undefined) texts.set(r.file, after);
    results.push({ file: r.file, what: r.what, changed: after !== undefined });
  }
  for (const [file, text] of texts) writeFileSync(path.join(root, file), text);
  return results;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, findDangerousChanges, type GraphQLSchema } from 'graphql';
import { runMain } from '@victori/shared';
import { SUPERGRAPH_FILE } from './compose.js';

/** The supergraph the current one is compared with: the last one clients were built against. */
export const PREVIOUS_SUPERGRAPH_FILE = fileURLToPath(new URL('../../docs/schema/previous-supergraph.graphql', import.meta.url));
export const README_FILE = fileURLToPath(new URL('../../README.md', import.meta.url));
const BEGIN = '<!-- schema-diff:begin (npm run schema:diff) -->';
const END = '<!-- schema-diff:end -->';

/** What clients see of a supergraph: its API schema (no join or link machinery). */
const apiSchema = (sdl: string): GraphQLSchema => Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();

export interface SchemaDiff {
  breaking: string[];
  dangerous: string[];
}

/** graphql-js's own verdict between two composed supergraphs, sorted so the text is stable. */
export function diffSupergraphs(previous: string, current: string): SchemaDiff {
  const before = apiSchema(previous);
  const after = apiSchema(current);
  const line = (c: { type: string; description: string }): string => `${c.type}: ${c.description}`;
  return {
    breaking: findBreakingChanges(before, after).map(line).sort(),
    dangerous: findDangerousChanges(before, after).map(line).sort(),
  };
}

/** The block pasted into the README between the schema-diff markers. */
export function renderDiff(diff: SchemaDiff): string {
  const list = (items: string[]): string => (items.length ? items.map((i) => `- ${i}`).join('\n') : '- none');
  // Blank lines around the fence, as prettier keeps the README.
  return [
    BEGIN,
    '',
    '```text',
    `Breaking (graphql-js findBreakingChanges), ${diff.breaking.length}:`,
    list(diff.breaking),
    '',
    `Dangerous (graphql-js findDangerousChanges), ${diff.dangerous.length}:`,
    list(diff.dangerous),
    '```',
    '',
    END,
  ].join('\n');
}

export function currentDiffBlock(): string {
  return renderDiff(diffSupergraphs(readFileSync(PREVIOUS_SUPERGRAPH_FILE, 'utf8'), readFileSync(SUPERGRAPH_FILE, 'utf8')));
}

/** The block as the README has it now, or undefined without markers. */
export function readmeDiffBlock(readme: string): string | undefined {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  return start < 0 || end < start ? undefined : readme.slice(start, end + END.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runMain(async () => {
    const block = currentDiffBlock();
    if (process.argv.includes('--write')) {
      // Pastes the block into the README's Breaking changes section in place of the old one.
      const readme = readFileSync(README_FILE, 'utf8');
      const old = readmeDiffBlock(readme);
      if (!old) throw new Error('README.md has no schema-diff markers');
      writeFileSync(README_FILE, readme.replace(old, block));
    }
    process.stdout.write(`${block}\n`);
  });
}

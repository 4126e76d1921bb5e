import { readFileSync } from 'node:fs';
import { currentDiffBlock, diffSupergraphs, README_FILE, readmeDiffBlock } from './schema-diff.js';

/** The README lists this round's breaking schema changes as `npm run schema:diff` prints them. */
describe('the Breaking changes section of the README', () => {
  test('is the current output of npm run schema:diff (run it and paste the block when this fails)', () => {
    expect(readmeDiffBlock(readFileSync(README_FILE, 'utf8'))).toBe(currentDiffBlock());
  });

  test('the diff is graphql-js’s own: a removed field is breaking, an added optional argument dangerous', () => {
    const header = (
      types: string,
    ) => `schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
input join__ContextArgument { name: String! type: String! context: String! selection: join__FieldValue! }
scalar join__FieldSet
scalar join__FieldValue
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
${types}`;
    const diff = diffSupergraphs(
      header('type Query @join__type(graph: A) { a: Int b(x: Int): Int }'),
      header('type Query @join__type(graph: A) { b(x: Int, y: Int): Int }'),
    );
    expect(diff.breaking).toEqual(['FIELD_REMOVED: Query.a was removed.']);
    expect(diff.dangerous).toEqual(['OPTIONAL_ARG_ADDED: An optional arg y on Query.b was added.']);
  });
});

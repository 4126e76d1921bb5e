import { buildSchema } from 'graphql';
import { AppError } from '@victori/shared';
import {
  checkCostLimits,
  costIgnoresVariables,
  DEFAULT_COST_LIMITS,
  measureDocument,
  ParsedDocuments,
  ResponseSizeCap,
  type CostLimits,
} from './cost-limits.js';
import { parse } from 'graphql';
import { TrustedDocuments, sha256 } from './trusted-documents.js';

// The shapes that matter, as in the supergraph: a recursive Area, a connection with `first`, a list with `limit`.
const schema = buildSchema(`
  type Area { code: String! name: String! parent: Area children: [Area!]! }
  type Session { id: ID! date: String! area: Area }
  type SessionEdge { cursor: String! node: Session! }
  type SessionConnection { edges: [SessionEdge!]! totalCount: Int! }
  type Lot { id: ID! }
  type Query {
    areas(level: String): [Area!]!
    area(code: String!): Area!
    sessions(first: Int = 20, after: String): SessionConnection!
    lots(limit: Int! = 200): [Lot!]!
    facilities: [Area!]!
  }
`);

const refusal = (
  query: string,
  variables: Record<string, unknown> = {},
  limits: CostLimits = DEFAULT_COST_LIMITS,
): Record<string, unknown> | undefined => {
  try {
    checkCostLimits(schema, query, { variables }, limits);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).extensions;
  }
};

/** `areas { children { parent { children { parent ... } } } }`, the recursion `times` deep. */
const recursiveAreas = (times: number, root = 'areas'): string =>
  `{ ${root} { ${'children { parent { '.repeat(times)}code${' } }'.repeat(times)} } }`;

describe('cost limits, checked on the source before parsing, validation and planning', () => {
  test('the recursive area query from the issue (152 bytes, nested five times) is refused for its cost', () => {
    const query = recursiveAreas(5);
    const ext = refusal(query);
    expect(ext).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'cost',
      max: DEFAULT_COST_LIMITS.maxCost,
      messageEn: expect.any(String),
    });
    expect(ext!.actual as number).toBeGreaterThan(1_000_000);
    expect(ext!.messageId).toMatch(/^(queryTooComplex|common\.queryTooComplex)/);
    // From a single area too, and deeper nestings by depth first.
    expect(refusal(recursiveAreas(5, 'area(code: "3374")'))).toMatchObject({ limit: 'cost' });
    expect(refusal(recursiveAreas(15))).toMatchObject({ limit: 'depth', max: 12, actual: 32 });
  });

  test('the same recursion hidden in fragments, inline fragments or several operations is measured alike', () => {
    const viaFragments = `
      query A { areas { ...C } }
      fragment C on Area { children { ...P } }
      fragment P on Area { parent { ...C2 } }
      fragment C2 on Area { children { parent { children { parent { children { parent { children { parent { code } } } } } } } } }`;
    expect(refusal(viaFragments)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const inline = `{ areas { ... on Area { children { ... on Area { parent { children { parent { children { parent { children { code } } } } } } } } } } }`;
    expect(refusal(inline)).toMatchObject({ limit: 'cost' });
    // A fragment cycle does not hang the measurement (validation refuses it afterwards).
    expect(measureDocument(parse('{ areas { ...A } } fragment A on Area { children { ...A } }')).depth).toBe(2);
  });

  test('1,000 aliases on one field, too many root fields and too many tokens', () => {
    const aliases = `{ areas { ${Array.from({ length: 1000 }, (_, i) => `a${i}: code`).join(' ')} } }`;
    expect(refusal(aliases)).toMatchObject({ limit: 'aliases', max: 30, actual: 1000 });
    const wide = `{ ${Array.from({ length: 25 }, () => 'facilities { code }').join(' ')} }`;
    expect(refusal(wide)).toMatchObject({ limit: 'rootFields', max: 20, actual: 25 });
    const tokens = `{ areas(level: "x") { ${'code '.repeat(6000)} } }`;
    expect(refusal(tokens)).toMatchObject({ limit: 'tokens', max: 5000 });
    expect(refusal(tokens)!.actual as number).toBeGreaterThan(5000);
  });

  test('a huge first or limit counts, literal or as a variable; a connection counts its page once', () => {
    const sessions = (first: string): string => `query($n: Int) { sessions(first: ${first}) { edges { node { id date area { name } } } } }`;
    expect(refusal(sessions('1000000'))).toMatchObject({ limit: 'cost' });
    expect(refusal(sessions('$n'), { n: 1_000_000 })).toMatchObject({ limit: 'cost' });
    expect(refusal(sessions('500'))).toBeUndefined();
    expect(refusal(`{ lots(limit: 10000000) { id } }`)).toMatchObject({ limit: 'cost' });
    expect(refusal(`{ lots { id } }`)).toBeUndefined();
  });

  test('a document is parsed and measured once; a cost that a variable can change is computed per request', () => {
    const known = new ParsedDocuments();
    const paged = 'query($n: Int) { sessions(first: $n) { edges { node { id } } } }';
    const check = (variables: Record<string, unknown>): void => checkCostLimits(schema, paged, { variables }, DEFAULT_COST_LIMITS, known);
    check({ n: 10 });
    expect(known.get(paged)).toBeDefined();
    expect(() => check({ n: 10_000_000 })).toThrow(/Kueri terlalu rumit/);
    expect(costIgnoresVariables(parse(paged))).toBe(false);
    expect(costIgnoresVariables(parse('query($f: SessionFilter) { sessions(filter: $f) { totalCount } }'))).toBe(true);
  });

  test('ordinary queries pass, and each limit is configurable', () => {
    expect(refusal(recursiveAreas(1))).toBeUndefined();
    expect(refusal('{ areas(level: "KECAMATAN") { code name parent { name } children { code name } } }')).toBeUndefined();
    expect(refusal(recursiveAreas(1), {}, { ...DEFAULT_COST_LIMITS, maxDepth: 3 })).toMatchObject({ limit: 'depth', max: 3, actual: 4 });
    // Documents that do not parse are left to Apollo's own typed parse error.
    expect(refusal('{ areas { ')).toBeUndefined();
  });

  test('each refusal is decided in well under 50 ms, even for a 700 kB document', () => {
    const huge = `{ ${Array.from({ length: 40_000 }, (_, i) => `a${i}: areas { code }`).join(' ')} }`;
    const aliases = `{ areas { ${Array.from({ length: 1000 }, (_, i) => `a${i}: code`).join(' ')} } }`;
    const cases = { huge, aliases, recursive: recursiveAreas(5), deep: recursiveAreas(200) };
    refusal(aliases); // compiled once, as in a running gateway
    for (const [name, query] of Object.entries(cases)) {
      const started = performance.now();
      expect(refusal(query)).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
      const ms = performance.now() - started;
      expect({ name, fast: ms < 50 }).toEqual({ name, fast: true });
    }
  });

  test('the response-size cap refuses an oversized answer and serializes a small one only once', () => {
    const cap = new ResponseSizeCap(1000);
    const small = { data: { areas: [{ code: '3374' }] } };
    expect(cap.check(small)).toBeUndefined();
    expect(cap.stringify(small)).toBe(JSON.stringify(small));
    const big = { data: { areas: Array.from({ length: 200 }, (_, i) => ({ code: `33740${i}` })) } };
    expect(cap.check(big)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'responseBytes', max: 1000 });
  });
});

describe('trusted documents', () => {
  test('a manifest by hash or as a list of queries; a wrong hash is refused at start', () => {
    const query = '{ areas { code } }';
    const byList = TrustedDocuments.fromJson(JSON.stringify([query]));
    expect(byList.has(sha256(query))).toBe(true);
    expect(TrustedDocuments.fromJson(JSON.stringify({ [sha256(query)]: query })).get(sha256(query))).toBe(query);
    expect(() => TrustedDocuments.fromJson(JSON.stringify({ ['0'.repeat(64)]: query }))).toThrow(/does not match/);
  });

  test('the persisted-query cache finds manifest documents by hash and keeps run-time registrations bounded', async () => {
    const query = '{ areas { code } }';
    const cache = TrustedDocuments.fromJson(JSON.stringify([query])).persistedQueryCache(2);
    expect(await cache.get(`apq:${sha256(query)}`)).toBe(query);
    for (const k of ['a', 'b', 'c']) await cache.set(`apq:${k}`, k);
    expect(await cache.get('apq:a')).toBeUndefined();
    expect(await cache.get('apq:c')).toBe('c');
  });
});

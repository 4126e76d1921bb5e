import { Writable } from 'node:stream';
import fc from 'fast-check';
import pg from 'pg';
import { Pool } from 'undici';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { createLogger, Env, ErrorCode } from '@victori/shared';
import { startTestPlatform, type TestPlatform } from '../testing.js';

/**
 * Hostile requests through the real edge, gateway and subgraphs in production mode, generated with
 * fast-check from a seed (FUZZ_SEED repeats a run; FUZZ_RUNS changes the count). Whatever a client
 * sends: no 5xx, every error typed with a code of the shared set, no write, no stack trace and none of
 * the submitted personal data in any answer or log line.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 8;

interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Personal data the request carries (NIKs, names, phones) that must never come back or be logged. */
  pii: string[];
}

/** Lines the platform logged while the fuzz ran (gateway, subgraphs and edge share this sink). */
class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
    done();
  }
}

// --- values --------------------------------------------------------------------------------------
const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** NIK-shaped personal data: 16 digits (tracked as PII), and malformed neighbours. */
const nik = fc.oneof(
  { weight: 4, arbitrary: digits(16, 16).map((d) => `33${d.slice(2)}`) },
  digits(1, 15),
  digits(17, 40),
  digits(16, 16).map((d) => `${d.slice(0, 8)}\u0000${d.slice(8)}`),
  digits(16, 16).map((d) => [...d].map((c) => String.fromCharCode(0x0660 + Number(c))).join('')),
  digits(16, 16).map((d) => ` ${d.slice(0, 6)}-${d.slice(6)} `),
  fc.string({ unit: 'binary', maxLength: 24 }),
);
const date = fc.oneof(
  fc.constantFrom(
    '2021-02-30',
    '0000-00-00',
    '1990-13-45',
    '9999-99-99',
    '-0001-01-01',
    '275760-09-13',
    '2024-02-29T25:61:00Z',
    '1990/01/01',
    '',
  ),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc.integer({ min: 1800, max: 2200 }).map((y) => `${y}-${String((y % 14) + 1).padStart(2, '0')}-${String((y % 33) + 1).padStart(2, '0')}`),
  fc.string({ maxLength: 12 }),
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; drop table appointment; --',
    '%00',
    '\u0000',
    'a\u0000b',
    '\u202e\u200b\ufeff',
    '\ud800',
    '{{7*7}}',
    '${jndi:x}',
    '__proto__',
  ),
  fc.integer({ min: 256, max: 4096 }).map((n) => 'x'.repeat(n)),
);
/** Strings up to past the edge's 1 MB body limit: rare, as each costs every process a megabyte of parsing. */
const hugeString = fc.integer({ min: 50_000, max: 1_200_000 }).map((n) => `${'3374'.repeat(n >> 2)}\u0000`);
const fullName = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 6, maxLength: 12 }).map((s) => `Sari ${s}`);
const phone = digits(9, 12).map((d) => `08${d}`);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);
const id = fc.oneof(fc.uuid(), fc.constantFrom('6f1c2a10-0000-4000-8000-000000000002', '0', '-1', ''), hostileString);

// --- operations ----------------------------------------------------------------------------------
interface Op {
  query: string;
  variables?: unknown;
  pii: string[];
}
const op = (query: string, variables: Record<string, unknown>, pii: string[] = []): Op => ({ query, variables, pii });
const literal = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v)
    : typeof v === 'number' && Number.isFinite(v)
      ? String(v)
      : JSON.stringify(JSON.stringify(v) ?? 'x');

const operations: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({ nik, b: date, c: hostileString })
    .map(({ nik: n, b, c }) =>
      op(
        'query($nik: String, $b: Date, $c: String) { myAppointments(nik: $nik, birthDate: $b, slipCode: $c) { edges { node { id } } } }',
        { nik: n, b, c },
        [n],
      ),
    ),
  fc
    .record({
      nik,
      fullName,
      birthDate: date,
      sex: fc.oneof(fc.constantFrom('MALE', 'FEMALE'), hostileString),
      phone,
      residenceKelurahanCode: fc.oneof(fc.constant('33.74.01.1001'), hostileString),
      doseKind: fc.oneof(fc.constant('PRIMARY_1'), hostileString),
      slotId: id,
    })
    .chain((input) =>
      fc.subarray(Object.keys(input)).map((drop) => {
        // Up to two required fields left out.
        const missing = new Set(drop.slice(0, 2));
        const partial = Object.fromEntries(Object.entries(input).filter(([k]) => !missing.has(k)));
        return op('mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { id slipCode } }', { input: partial }, [
          input.nik,
          input.fullName,
          input.phone,
        ]);
      }),
    ),
  fc
    .record({ nik, fullName, birthDate: date, sex: hostileString, residenceKelurahanCode: hostileString })
    .map((input) =>
      op('mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }', { i: input }, [input.nik, input.fullName]),
    ),
  fc
    .record({ nik, b: date, m: nik })
    .map(({ nik: n, b, m }) =>
      op('query($n: String, $b: Date, $m: String) { findPersons(nik: $n, birthDate: $b, motherNik: $m) { id } }', { n, b, m }, [n, m]),
    ),
  fc.record({ s: scalar }).map(({ s }) => op('query($s: String!) { area(code: $s) { code name } }', { s })),
  fc
    .record({ s: scalar, l: scalar })
    .map(({ s, l }) => op('query($s: String, $l: AreaLevel) { areas(parentCode: $s, level: $l) { code } }', { s, l })),
  fc
    .record({ n: scalar, a: scalar, f: scalar })
    .map(({ n, a, f }) =>
      op(
        'query($n: Int, $a: String, $f: SessionFilter) { sessions(first: $n, after: $a, filter: $f) { totalCount edges { node { id } } } }',
        { n, a, f },
      ),
    ),
  fc.record({ p: id, d: date, e: date }).map(({ p, d, e }) =>
    op('query($p: ID!, $d: Date!, $e: Date!) { dueAndAvailableSessions(personId: $p, from: $d, to: $e) { totalCount } }', {
      p,
      d,
      e,
    }),
  ),
  fc.record({ f: id, d: date, e: date }).map(({ f, d, e }) =>
    op('query($f: ID, $d: DateTime, $e: DateTime) { stockLedger(facilityId: $f, from: $d, to: $e) { edges { node { quantity } } } }', {
      f,
      d,
      e,
    }),
  ),
  fc
    .record({ i: id, s: hostileString })
    .map(({ i, s }) => op('mutation($i: ID!, $s: String!) { checkIn(appointmentId: $i, slipCode: $s) { id } }', { i, s })),
  // The same values written inline as literals, where validation (not variable coercion) meets them.
  fc
    .record({ n: nik, b: date })
    .map(({ n, b }) => op(`{ myAppointments(nik: ${literal(n)}, birthDate: ${literal(b)}) { edges { node { id } } } }`, {}, [n])),
  fc.record({ n: nik }).map(({ n }) => op(`{ findPersons(nik: ${/^\d+$/.test(n) ? n : literal(n)}) { id } }`, {}, [n])),
  fc
    .record({ s: scalar })
    .map(({ s }) => op(`{ area(code: ${literal(s)}) { code } facilities(kecamatanCode: ${literal(s)}) { totalCount } }`, {})),
);

/** Documents that stress the parser, validation and the cost limits. */
const documents: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 1, max: 400 }).map((n) => op(`{ areas { ${'children { parent { '.repeat(n)}code${' } }'.repeat(n)} } }`, {})),
  fc.integer({ min: 1, max: 3000 }).map((n) => op(`{ areas { ${Array.from({ length: n }, (_, i) => `a${i}: code`).join(' ')} } }`, {})),
  fc.integer({ min: 1, max: 200 }).map((n) => op(`{ ${'facilities { totalCount } '.repeat(n)}}`, {})),
  fc.integer({ min: 1, max: 100_000 }).map((n) => op(`{ sessions(first: ${n * 37}) { edges { node { id facility { name } } } } }`, {})),
  fc.constantFrom(
    op('query A { areas { code } } query B { facilities { edges { node { id } } } }', {}),
    op('subscription { areas { code } }', {}),
    op('{ __schema { types { name } } }', {}),
    op('{ areas { ...A } } fragment A on Area { children { ...A } }', {}),
    op('{ areas @skip(if: $nope) { code } }', {}),
    op('{ areas { code @unknownDirective } }', {}),
    op('query($x: Boolean!) { areas @include(if: $x) { code } }', { x: 'yes' }),
    op('{ areas { cod } }', {}),
    op('mutation { __typename }', {}),
    op('{ _entities(representations: [{ __typename: "Area", code: "33.74" }]) { __typename } }', {}),
  ),
  fc.string({ unit: 'binary', maxLength: 200 }).map((q) => op(q, {})),
  fc.string({ unit: fc.constantFrom(...'{}()[]:$@!."query mutation fragment on ... '.split('')), maxLength: 300 }).map((q) => op(q, {})),
);

/** Variables that are not an object, or nested absurdly deep (written as text: too deep for JSON.stringify here). */
const badVariables: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('"text"', '[1,2]', '42', 'true', 'null'),
  fc.integer({ min: 10, max: 20_000 }).map((n) => `{"f":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.integer({ min: 10, max: 20_000 }).map((n) => `{"c":${'['.repeat(n)}"x"${']'.repeat(n)}}`),
);

const withAuth = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Record<string, string>>({}) },
  fc.constantFrom<Record<string, string>>(
    { authorization: 'Bearer garbage' },
    { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { authorization: 'Bearer ' },
    { authorization: 'Bearer a.b.c' },
  ),
  fc.constantFrom('citizen', 'health-worker').map((role) => ({ role })),
);

const json = { 'content-type': 'application/json' };

const requests = (tokens: Record<string, string>): fc.Arbitrary<HostileRequest> => {
  const auth = withAuth.map((h) => ('role' in h ? { authorization: `Bearer ${tokens[h.role]!}` } : h));
  const post = (kind: string, body: string | Buffer, pii: string[], headers: Record<string, string> = json): fc.Arbitrary<HostileRequest> =>
    auth.map((a) => ({ kind, method: 'POST', path: '/graphql', headers: { ...headers, ...a }, body, pii }));
  return fc.oneof(
    {
      weight: 10,
      arbitrary: operations.chain((o) => post('operation', JSON.stringify({ query: o.query, variables: o.variables }), o.pii)),
    },
    { weight: 4, arbitrary: documents.chain((o) => post('document', JSON.stringify({ query: o.query, variables: o.variables }), o.pii)) },
    fc.array(fc.oneof(operations, documents), { maxLength: 30 }).chain((ops) =>
      post(
        'batch',
        JSON.stringify(ops.map((o) => ({ query: o.query, variables: o.variables }))),
        ops.flatMap((o) => o.pii),
      ),
    ),
    fc
      .tuple(hugeString, fc.constantFrom('area(code: $s) { code }', 'myAppointments(nik: $s) { id }', 'findPersons(nik: $s) { id }'))
      .chain(([h, field]) => post('huge string', JSON.stringify({ query: `query($s: String!) { ${field} }`, variables: { s: h } }), [])),
    fc
      .tuple(operations, badVariables)
      .chain(([o, v]) => post('bad variables', `{"query":${JSON.stringify(o.query)},"variables":${v}}`, o.pii)),
    fc
      .tuple(
        operations,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/graphql',
          'application/json; charset=latin1',
          'application/xml',
          '',
        ),
      )
      .chain(([o, type]) =>
        post(
          'content type',
          type === 'application/graphql' ? o.query : JSON.stringify({ query: o.query, variables: o.variables }),
          o.pii,
          type ? { 'content-type': type } : {},
        ),
      ),
    fc
      .oneof(
        fc.constantFrom(
          '{"query":',
          '[',
          '{',
          'null',
          '"str"',
          '123',
          '{"query": 1}',
          '{"query": null, "extensions": 5}',
          '{"query":"{ areas { code } }","operationName":7}',
          '\ufeff{"query":"{ areas { code } }"}',
          '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"nope"}}}',
          '{"query":"{ areas { code } }","extensions":{"persistedQuery":{"version":"1","sha256Hash":5}}}',
        ),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.json().map((j) => j.slice(0, Math.max(1, j.length - 1))),
      )
      .chain((raw) => post('bad json', raw, [])),
    fc.uint8Array({ minLength: 1, maxLength: 300 }).chain((bytes) => post('bytes', Buffer.from(bytes), [])),
    operations.chain((o) =>
      fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS').chain((method) =>
        auth.map((a) => ({
          kind: `${method} operation`,
          method,
          path: `/graphql?query=${encodeURIComponent(o.query)}&variables=${encodeURIComponent(JSON.stringify(o.variables ?? {}))}`,
          headers: { 'apollo-require-preflight': 'true', ...a },
          pii: o.pii,
        })),
      ),
    ),
    fc
      .constantFrom(
        '/graphql?query=%7B',
        '/graphql?variables=%7B%22a',
        '/graphql?extensions=%7B%22persistedQuery%22%3A1%7D',
        '/%',
        '/../../etc/passwd',
        '//graphql',
        '/graphql/',
        '/metrics',
        '/health',
        '/graphql?query=' + encodeURIComponent('mutation { closeSession(id: "x") { id } }'),
      )
      .map((path) => ({ kind: 'path', method: 'GET', path, headers: { 'apollo-require-preflight': 'true' }, pii: [] })),
  );
};

// --- checks --------------------------------------------------------------------------------------
const CODES = new Set<string>(Object.values(ErrorCode));
const STACK = /\bat [^\s]+ \(?[^\s]*:\d+:\d+\)?|"stack(trace)?"\s*:/;

describe('fuzz: hostile requests through the edge never break the platform', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  let pool: Pool;
  const sink = new LogSink();
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform('fuzz', {
      background: false,
      mode: 'production',
      logLevel: 'info',
      logDestination: sink,
      gatewayEnv: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' },
      // One loopback address sends everything: the per-address booking limit would answer most bookings RATE_LIMITED.
      serviceEnv: { BOOKING_RATE_PER_IP: '0' },
    });
    edge = await startEdge(
      loadEdgeConfig(
        new Env({
          EDGE_PUBLIC_CACHE_MS: '0',
          EDGE_PORT: '0',
          EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin,
          NODE_ENV: 'production',
        }),
      ),
      createLogger('edge', 'info', sink),
    );
    pool = new Pool(new URL(edge.url).origin, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 30_000 });
    tokens.citizen = await platform.token({ role: 'citizen', sub: 'fuzz-citizen' });
    tokens['health-worker'] = await platform.token({
      role: 'health-worker',
      sub: 'fuzz-hw',
      facilityId: '6f1c2a10-0000-4000-8000-000000000002',
    });
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
    await edge?.close();
    await platform?.close();
  });

  const countRows = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    const tables: [keyof TestPlatform['databaseUrls']['services'], string[]][] = [
      ['booking', ['appointment', 'outbox']],
      ['immunization', ['person', 'dose_record', 'outbox']],
      ['inventory', ['outbox']],
    ];
    for (const [service, names] of tables) {
      const client = new pg.Client({ connectionString: platform.databaseUrls.services[service] });
      await client.connect();
      try {
        for (const table of names) {
          const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
          counts[`${service}.${table}`] = rows[0]!.n;
        }
      } finally {
        await client.end();
      }
    }
    return counts;
  };

  // Seed 867693335 found it: every immunization request in this production platform answered 500 (its settings,
  // read per request, refused production without SATUSEHAT_BASE_URL), which the gateway reported as a 503 timeout.
  test.each(['citizen', 'health-worker'])('a hostile registerPerson as %s is refused as bad input, not a 5xx', async (role) => {
    const input = {
      nik: '189861121348',
      fullName: 'Sari fuzzfix',
      birthDate: '1970-01-01T00:00:00.044Z',
      sex: '\u{1F600}\u{10400}\u{1D11E}',
      residenceKelurahanCode: '',
    };
    const res = await pool.request({
      path: '/graphql',
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${tokens[role]!}` },
      body: JSON.stringify({ query: 'mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }', variables: { i: input } }),
    });
    const body = (await res.body.json()) as { errors?: { extensions?: { code?: string; field?: string } }[] };
    expect({ status: res.statusCode < 500, errors: body.errors?.map((e) => [e.extensions?.code, e.extensions?.field]) }).toEqual({
      status: true,
      // Both refused by GraphQL's coercion (a Date, a Sex), each named by its field, before the service runs.
      errors: [
        ['BAD_USER_INPUT', 'birthDate'],
        ['BAD_USER_INPUT', 'sex'],
      ],
    });
  });

  test(`${RUNS} generated hostile requests: 0 5xx, 0 untyped errors, 0 writes, 0 stack traces, no personal data echoed or logged`, async () => {
    const before = await countRows();
    const started = performance.now();
    const generated = fc.sample(requests(tokens), { numRuns: RUNS, seed: SEED });
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const pii = new Set<string>();
    const timeByKind: Record<string, { n: number; ms: number }> = {};
    const seen = new Map<string, number>();
    const fail = (r: HostileRequest, why: string, status: number, text: string): void => {
      // A few examples of each kind of failure, not twenty of the same one.
      const key = `${why} ${r.kind}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (failures.length < 30 && seen.get(key)! <= 2)
        failures.push(
          `${why} [${r.kind} ${r.method} ${r.path.slice(0, 120)}] body=${String(r.body ?? '').slice(0, 300)} -> ${status} ${text.slice(0, 400)}`,
        );
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < generated.length; i = next++) {
        const r = generated[i]!;
        for (const p of r.pii) if (/\d{12,}/.test(p) || p.startsWith('Sari ')) pii.add(p);
        const t0 = performance.now();
        const res = await pool.request({
          path: r.path,
          method: r.method as 'POST',
          headers: r.headers,
          body: r.body,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        const text = await res.body.text();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        const k = (timeByKind[r.kind] ??= { n: 0, ms: 0 });
        k.n++;
        k.ms += performance.now() - t0;
        if (res.statusCode >= 500) fail(r, `HTTP ${res.statusCode}`, res.statusCode, text);
        if (STACK.test(text)) fail(r, 'stack trace in answer', res.statusCode, text);
        for (const p of r.pii) if (p.length >= 8 && text.includes(p)) fail(r, 'personal data echoed', res.statusCode, text);
        let parsed: { errors?: { extensions?: { code?: unknown; messageEn?: unknown } }[] } | undefined;
        try {
          parsed = JSON.parse(text) as typeof parsed;
        } catch {
          // 431: Node's HTTP parser refuses a request line over 16 KiB before any of our code runs.
          if (res.statusCode >= 400 && res.statusCode !== 431) fail(r, 'error answer is not JSON', res.statusCode, text);
        }
        for (const e of parsed?.errors ?? []) {
          const code = e.extensions?.code;
          if (typeof code !== 'string' || !CODES.has(code)) fail(r, `untyped error (${String(code)})`, res.statusCode, text);
          else if (typeof e.extensions?.messageEn !== 'string') fail(r, 'error without messageEn', res.statusCode, text);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
    const seconds = (performance.now() - started) / 1000;
    const after = await countRows();

    const logProblems: string[] = [];
    for (const line of sink.lines) {
      if (STACK.test(line)) logProblems.push(`stack: ${line.slice(0, 300)}`);
      for (const p of pii) if (line.includes(p)) logProblems.push(`pii: ${line.slice(0, 300)}`);
      if (logProblems.length > 10) break;
    }
    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });
    expect({ seed: SEED, logProblems }).toEqual({ seed: SEED, logProblems: [] });
    expect(after).toEqual(before);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS);
    expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).toEqual([]);
    // The run is a real workout: the platform answered both successes and refusals, and logged the requests.
    expect(statuses['200']).toBeGreaterThan(RUNS / 20);
    expect(statuses['400']).toBeGreaterThan(RUNS / 4);
    expect(sink.lines.length).toBeGreaterThan(RUNS / 2);
    // 63 s measured here for 10,000 beside other tests; 90 s is the budget. The bound is looser because five engineers' tests
    // share this machine's two cores (126 s was seen under that load): it catches a hang, not a slow neighbour.
    expect({ seconds, timeByKind, withinBound: seconds < 180 }).toMatchObject({ withinBound: true });
  }, 240_000);
});

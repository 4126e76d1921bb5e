import { createHmac } from 'node:crypto';
import { encodeClaims, HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, QueryCounter, signClaims } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

describe('the federated platform, through the real gateway', () => {
  let platform: TestPlatform;
  const reportingQueries = new QueryCounter();

  beforeAll(async () => {
    // Relays and consumers poll the database in the background; off here so that only request SQL is counted.
    platform = await startTestPlatform('federation', { queryCounters: { reporting: reportingQueries }, background: false });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('one query spans booking, reporting and inventory', async () => {
    const res = await gql<{
      facilities: { edges: { node: { code: string; type: string; area: { name: string; parent: { name: string } }; stock: unknown[] } }[] };
    }>(
      platform.gatewayUrl,
      `{ facilities(type: PUSKESMAS) { edges { node { code type area { name parent { name } } stock { usableDoses product { name } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const miroto = res.data!.facilities.edges.map((e) => e.node).find((f) => f.code === 'PKM-MIROTO');
    expect(miroto).toEqual({
      code: 'PKM-MIROTO',
      type: 'PUSKESMAS',
      area: { name: 'Miroto', parent: { name: 'Semarang Tengah' } },
      stock: [],
    });
    expect(res.data!.facilities.edges.every(({ node: f }) => f.type === 'PUSKESMAS')).toBe(true);
  });

  test('Semarang has 16 kecamatan and 177 kelurahan', async () => {
    const res = await gql<{ kec: unknown[]; kel: unknown[] }>(
      platform.gatewayUrl,
      `{ kec: areas(level: KECAMATAN) { code } kel: areas(level: KELURAHAN) { code } }`,
    );
    expect(res.data!.kec).toHaveLength(16);
    expect(res.data!.kel).toHaveLength(177);
  });

  test.each([10, 100])('resolving %i Area references costs one SQL statement', async (n) => {
    const kelurahan = await gql<{ areas: { code: string }[] }>(platform.gatewayUrl, `{ areas(level: KELURAHAN) { code } }`);
    const representations = kelurahan.data!.areas.slice(0, n).map((a) => ({ __typename: 'Area', code: a.code }));
    const requestId = `batch-${n}`;
    const claims = encodeClaims({ role: 'anonymous' });
    reportingQueries.reset();
    const res = await gql<{ _entities: { name: string }[] }>(
      platform.services.reporting.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Area { name } } }`,
      { r: representations },
      {
        headers: {
          [HEADER_REQUEST_ID]: requestId,
          [HEADER_CLAIMS]: claims,
          [HEADER_SIGNATURE]: signClaims(platform.secrets.gatewaySecret, requestId, claims),
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toHaveLength(n);
    expect(res.data!._entities.every((e) => typeof e.name === 'string')).toBe(true);
    expect(reportingQueries.count).toBe(1);
  });

  test('the gateway batches references: 26 facilities resolve their areas in one reporting query', async () => {
    reportingQueries.reset();
    const res = await gql<{ facilities: { edges: { node: { area: { name: string } } }[] } }>(
      platform.gatewayUrl,
      `{ facilities { edges { node { area { name } } } } }`,
    );
    expect(res.data!.facilities.edges.length).toBeGreaterThanOrEqual(20);
    expect(reportingQueries.count).toBe(1);
  });
});

describe('errors are typed, bilingual and never a 500', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('errors', { seed: true });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('a malformed query is a 400 with GRAPHQL_PARSE_FAILED', async () => {
    const res = await gql(platform.gatewayUrl, `{ facilities { `);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(res.errors![0]!.extensions!.messageEn).toBeTruthy();
    expect(res.errors![0]!.extensions!.messageId).toBeTruthy();
  });

  test('an unknown field is a 400 with GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await gql(platform.gatewayUrl, `{ facilities { edges { node { noSuchField } } } }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('a wrong variable type is a 400 with BAD_USER_INPUT', async () => {
    const res = await gql(platform.gatewayUrl, `query($t: FacilityType) { facilities(type: $t) { edges { node { id } } } }`, { t: 42 });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  test('a bad id is NOT_FOUND with both languages and the field', async () => {
    const res = await gql(platform.gatewayUrl, `{ facility(id: "not-a-uuid") { id } }`);
    expect(res.status).toBe(200);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id', messageEn: 'Facility not found' });
    expect(res.errors![0]!.message).toBe('Fasilitas tidak ditemukan');
  });

  test('a body that is not JSON is a 400', async () => {
    const res = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });
});

describe('identity', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('identity', { seed: false });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('an invalid bearer token is refused with UNAUTHENTICATED', async () => {
    const res = await gql(platform.gatewayUrl, `{ areas { code } }`, {}, { token: 'eyJhbGciOiJFUzI1NiJ9.e30.bad' });
    expect(res.status).toBe(401);
    expect(res.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  test('a valid token is verified and its claims reach the subgraph', async () => {
    const anonymous = await gql(platform.gatewayUrl, `{ person(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const citizen = await platform.token({ role: 'citizen', sub: 'citizen-1' });
    const asCitizen = await gql(
      platform.gatewayUrl,
      `{ person(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      {},
      { token: citizen },
    );
    expect(asCitizen.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    const asAdmin = await gql(platform.gatewayUrl, `{ person(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, { token: admin });
    expect(asAdmin.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  test('a subgraph refuses requests that did not come through the gateway', async () => {
    const direct = await gql(platform.services.booking.url, `{ facilities { edges { node { id } } } }`);
    expect(direct.status).toBe(401);
    expect(direct.errors![0]!.extensions!.code).toBe('GATEWAY_ONLY');
    const requestId = 'forged';
    const claims = encodeClaims({ role: 'admin' });
    const forged = createHmac('sha256', 'not-the-secret-not-the-secret-not-the-secret')
      .update(`${requestId}.${claims}`)
      .digest('base64url');
    const res = await gql(
      platform.services.booking.url,
      `{ facilities { edges { node { id } } } }`,
      {},
      { headers: { [HEADER_REQUEST_ID]: requestId, [HEADER_CLAIMS]: claims, [HEADER_SIGNATURE]: forged } },
    );
    expect(res.status).toBe(401);
  });

  test('health and readiness on the gateway and every service', async () => {
    for (const url of [platform.gatewayUrl, ...Object.values(platform.services).map((s) => s.url)]) {
      expect((await fetch(new URL('/health', url))).status).toBe(200);
      const ready = await fetch(new URL('/ready', url));
      expect(ready.status).toBe(200);
    }
  });

  test('the gateway answers with a request id', async () => {
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ areas { code } }' }),
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('production mode', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // Production refuses to start without SATUSEHAT unless delivery is explicitly off.
    platform = await startTestPlatform('production', { seed: false, mode: 'production', serviceEnv: { SATUSEHAT_DELIVERY: 'off' } });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('introspection is off and there is no landing page', async () => {
    const res = await gql(platform.gatewayUrl, `{ __schema { types { name } } }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(platform.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('sandbox');
  });
});

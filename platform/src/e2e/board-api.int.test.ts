import { startEdge, type RunningEdge } from '@victori/gateway';
import { parseCsv } from '@victori/shared';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform, testEdgeConfig } from '../testing.js';

/**
 * The API behind the city dashboard, administration and partners' pages (issue 19 items 3 to 5), through
 * the real edge and gateway on real PostgreSQL: report exports as files, staff accounts, the targets
 * preview and the national delivery figures.
 */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const SEMARANG_TENGAH = '33.74.01';
const code = (res: GraphQLResponse<unknown>): unknown => res.errors?.[0]?.extensions?.code;

let platform: TestPlatform;
let edge: RunningEdge;
let origin: string;
const tokens: Record<string, string> = {};

const signIn = async (username: string, password: string): Promise<{ token: string; refresh: string; id: string }> => {
  const res = await gql<{ staffSignIn: { accessToken: string; refreshToken: string; account: { id: string } } }>(
    platform.gatewayUrl,
    `mutation($u: String!, $p: String!) { staffSignIn(username: $u, password: $p) { accessToken refreshToken account { id } } }`,
    { u: username, p: password },
  );
  expect(res.errors).toBeUndefined();
  return { token: res.data!.staffSignIn.accessToken, refresh: res.data!.staffSignIn.refreshToken, id: res.data!.staffSignIn.account.id };
};
const call = <T>(query: string, variables: Record<string, unknown> = {}, token = tokens.admin) =>
  gql<T>(platform.gatewayUrl, query, variables, token ? { token } : {});
const file = (path: string, token?: string) => fetch(`${origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  platform = await startTestPlatform('board-api', { background: false, gatewayEnv: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' } });
  edge = await startEdge(testEdgeConfig(platform.gatewayUrl));
  origin = new URL(edge.url).origin;
  tokens.admin = (await signIn('admin', 'admin-dev-password')).token;
  tokens.partner = (await signIn('mitra.dev', 'mitra-dev-password')).token;
  tokens.worker = (await signIn('nakes.miroto', 'nakes-dev-password')).token;
  tokens.citizen = await platform.token({ role: 'citizen', sub: 'warga-1' });
});
afterAll(async () => {
  await edge?.close();
  await platform?.close();
});

describe('report exports as files at the edge', () => {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const coverage = `/exports/coverage.csv?programme=COVID19&dose=BOOSTER_1&level=KELURAHAN&parentCode=${SEMARANG_TENGAH}`;

  test('CSV: text/csv, a file name that says what is in it, the partner sees suppressed cells as suppressed', async () => {
    const res = await file(coverage, tokens.partner);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="victori-coverage-covid19-booster_1-kelurahan-33.74.01-${today}.csv"`,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const rows = parseCsv(await res.text());
    const kelurahan = rows.filter((r) => r.is_total !== 'true' && r.level === 'KELURAHAN');
    expect(kelurahan.length).toBeGreaterThan(5);
    // No doses yet: every kelurahan count is below the threshold, so the partner sees none of them.
    for (const r of kelurahan)
      expect({ code: r.area_code, suppressed: r.suppressed, achieved: r.achieved }).toEqual({
        code: r.area_code,
        suppressed: 'true',
        achieved: '',
      });
    expect(Number(res.headers.get('x-export-rows'))).toBe(rows.length);

    const admin = parseCsv(await (await file(coverage, tokens.admin)).text());
    for (const r of admin.filter((x) => x.level === 'KELURAHAN')) expect([r.suppressed, r.achieved]).toEqual(['false', '0']);
  });

  test('DHIS2: application/json dataValueSets with a .dhis2.json name; suppressed values are left out for the partner', async () => {
    const path = `/exports/coverage.dhis2.json?programme=COVID19&dose=BOOSTER_1&level=KECAMATAN&asOf=2026-06-30`;
    const res = await file(path, tokens.partner);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="victori-coverage-covid19-booster_1-kecamatan-2026-06-30.dhis2.json"',
    );
    const partner = (await res.json()) as { dataValues: { orgUnit: string; value: string }[] };
    const admin = (await (await file(path, tokens.admin)).json()) as { dataValues: { orgUnit: string; value: string }[] };
    expect(admin.dataValues.length).toBeGreaterThan(partner.dataValues.length);
    // What the partner gets is a subset of the admin's, value for value.
    for (const v of partner.dataValues) expect(admin.dataValues).toContainEqual(v);
  });

  test('child indicators as CSV by cohort; HEAD gives the headers without the file', async () => {
    const res = await file('/exports/child-indicators.csv?cohort=2025&level=KECAMATAN', tokens.partner);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="victori-child-indicators-2025-kecamatan-${today}.csv"`);
    expect(parseCsv(await res.text()).length).toBe(17);
    const head = await fetch(`${origin}/exports/child-indicators.csv?cohort=2025&level=KECAMATAN`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${tokens.partner}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  test('401 without a token or with a bad one, 403 for citizens and health workers; the same policy as the query', async () => {
    const none = await file(coverage);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await file(coverage, 'not-a-token')).status).toBe(401);
    for (const who of ['citizen', 'worker']) {
      const res = await file(coverage, tokens[who]);
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
    }
    // The GraphQL query says the same.
    const q = `{ exportCsv(table: COVERAGE, programme: "COVID19", dose: "BOOSTER_1", level: KECAMATAN) { rows } }`;
    expect(code(await call(q, {}, tokens.citizen))).toBe('FORBIDDEN');
    expect(code(await gql(platform.gatewayUrl, q))).toBe('UNAUTHENTICATED');
  });

  test('bad parameters: 400 with every field at once; a missing table argument is reporting’s own typed error; unknown table 404', async () => {
    const bad = await file('/exports/child-indicators.csv?cohort=20x5&colour=red&level=KECAMATAN', tokens.partner);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: { extensions: { code: string; fields: { field: string }[] } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0]!.extensions.fields.map((f) => f.field)).toEqual(['cohort', 'colour']);
    const missing = await file('/exports/coverage.csv?level=KECAMATAN', tokens.partner);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { extensions: { field: string } }[] }).errors[0]!.extensions.field).toBe('programme');
    expect((await file('/exports/people.csv', tokens.admin)).status).toBe(404);
    expect(
      (await fetch(`${origin}/exports/coverage.csv`, { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}` } })).status,
    ).toBe(405);
  });
});

describe('staff accounts (identity)', () => {
  const FIELDS = `id role username facilityId displayName active`;

  test('admins list staff accounts; nobody else does', async () => {
    const res = await call<{ staffAccounts: { edges: { node: { username: string; role: string; active: boolean } }[] } }>(
      `{ staffAccounts { edges { node { ${FIELDS} } } } }`,
    );
    expect(res.data!.staffAccounts.edges.map((e) => e.node).map((a) => a.username)).toEqual(
      expect.arrayContaining(['admin', 'nakes.miroto', 'mitra.dev']),
    );
    expect(res.data!.staffAccounts.edges.map((e) => e.node).every((a) => a.active)).toBe(true);
    expect(code(await call(`{ staffAccounts { edges { node { id } } } }`, {}, tokens.partner))).toBe('FORBIDDEN');
    expect(code(await call(`{ staffAccounts { edges { node { id } } } }`, {}, ''))).toBe('UNAUTHENTICATED');
  });

  test('a role change: every wrong field at once, nothing changed; then the change ends the account’s sessions', async () => {
    const created = await call<{ createStaffAccount: { id: string } }>(
      `mutation { createStaffAccount(input: { username: "nakes.board", password: "board-test-password", role: HEALTH_WORKER, facilityId: "${MIROTO}" }) { id } }`,
    );
    const id = created.data!.createStaffAccount.id;
    const session = await signIn('nakes.board', 'board-test-password');

    const bad = await call(`mutation($id: ID!) { updateStaffAccount(id: $id, input: { role: CITIZEN, facilityId: "x" }) { id } }`, { id });
    expect(code(bad)).toBe('BAD_USER_INPUT');
    const fields = (bad.errors![0]!.extensions!.fields as { field: string; messageEn: string }[]).map((f) => f.field);
    expect(fields).toEqual(['role', 'facilityId']);
    const noFacility = await call(`mutation($id: ID!) { updateStaffAccount(id: $id, input: { facilityId: null }) { id } }`, { id });
    expect(noFacility.errors![0]!.extensions!.field).toBe('facilityId');
    // Nothing changed, and the session still refreshes.
    const refreshed = await gql<{ refreshSession: { refreshToken: string } }>(
      platform.gatewayUrl,
      `mutation($r: String!) { refreshSession(refreshToken: $r) { refreshToken } }`,
      { r: session.refresh },
    );
    expect(refreshed.errors).toBeUndefined();

    const ok = await call<{ updateStaffAccount: { role: string; facilityId: string | null; displayName: string } }>(
      `mutation($id: ID!) { updateStaffAccount(id: $id, input: { role: PARTNER, facilityId: null, displayName: "Mitra UNICEF" }) { ${FIELDS} } }`,
      { id },
    );
    expect(ok.data!.updateStaffAccount).toMatchObject({ role: 'PARTNER', facilityId: null, displayName: 'Mitra UNICEF', active: true });
    const after = await gql(platform.gatewayUrl, `mutation($r: String!) { refreshSession(refreshToken: $r) { refreshToken } }`, {
      r: refreshed.data!.refreshSession.refreshToken,
    });
    expect(code(after)).toBe('UNAUTHENTICATED');
    // The next sign-in carries the new role.
    const again = await signIn('nakes.board', 'board-test-password');
    const me = await call<{ me: { role: string } }>(`{ me { role } }`, {}, again.token);
    expect(me.data!.me.role).toBe('PARTNER');

    // Switched off: no sign-in any more.
    await call(`mutation($id: ID!) { updateStaffAccount(id: $id, input: { active: false }) { id } }`, { id });
    const off = await gql(
      platform.gatewayUrl,
      `mutation { staffSignIn(username: "nakes.board", password: "board-test-password") { accessToken } }`,
    );
    expect(code(off)).toBe('INVALID_CREDENTIALS');
  });

  test('an admin cannot demote themselves; an unknown or citizen account is not found', async () => {
    const me = await call<{ me: { id: string } }>(`{ me { id } }`);
    const self = await call(`mutation($id: ID!) { updateStaffAccount(id: $id, input: { role: PARTNER }) { id } }`, { id: me.data!.me.id });
    expect(self.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
    const unknown = await call(
      `mutation { updateStaffAccount(id: "7a000000-0000-4000-8000-0000000000ff", input: { active: false }) { id } }`,
    );
    expect(code(unknown)).toBe('NOT_FOUND');
    expect(unknown.errors![0]!.message).toBe('Akun petugas tidak ditemukan');
    expect(code(await call(`mutation { updateStaffAccount(id: "x", input: { active: false }) { id } }`, {}, tokens.partner))).toBe(
      'FORBIDDEN',
    );
  });
});

describe('targets import preview (reporting)', () => {
  const PREVIEW = `query($csv: String!) { previewTargetImport(csv: $csv) {
    rows { row areaCode areaName programme dose year effectiveFrom population currentPopulation }
    problems { row field messageEn } created updated } }`;

  test('every problem as data beside the valid rows, the targets they replace, nothing saved', async () => {
    // 33.74.01 has the seeded Dukcapil booster target (2022); the second line is new; the third is wrong twice.
    const csv = [
      'area_code,programme,dose,year,effective_from,target',
      `${SEMARANG_TENGAH},COVID19,BOOSTER_1,2022,2022-01-01,70000`,
      `${SEMARANG_TENGAH}.1001,COVID19,BOOSTER_1,2026,,1200`,
      '33.99.99,COVID19,BOOSTER_1,26,,x',
    ].join('\n');
    const res = await call<{
      previewTargetImport: {
        rows: { row: number; areaName: string; population: number; currentPopulation: number | null }[];
        problems: { row: number; field: string }[];
        created: number;
        updated: number;
      };
    }>(PREVIEW, { csv });
    expect(res.errors).toBeUndefined();
    const p = res.data!.previewTargetImport;
    expect(p.rows.map((r) => [r.row, r.population, r.currentPopulation !== null])).toEqual([
      [2, 70000, true],
      [3, 1200, false],
    ]);
    expect(p.rows[0]!.areaName).toBe('Semarang Tengah');
    expect(p.problems.map((x) => x.field)).toEqual(['csv[line 4].areaCode', 'csv[line 4].year', 'csv[line 4].population']);
    expect([p.created, p.updated]).toEqual([1, 1]);
    const cov = await call<{ coverage: { area: { code: string }; target: number }[] }>(
      `{ coverage(programme: "COVID19", dose: "BOOSTER_1", level: KECAMATAN, asOf: "2026-06-30") { area { code } target } }`,
    );
    expect(cov.data!.coverage.find((r) => r.area.code === SEMARANG_TENGAH)!.target).toBe(p.rows[0]!.currentPopulation);
    expect(code(await call(PREVIEW, { csv }, tokens.partner))).toBe('FORBIDDEN');
  });
});

test('national delivery figures for admins only: waiting, failing, refused and the oldest waiting', async () => {
  const Q = `{ nationalDeliveryHealth { backlog failing failed oldestPendingSeconds degraded deliveryOn } }`;
  type Figures = { nationalDeliveryHealth: { backlog: number; failing: number; failed: number; oldestPendingSeconds: number } };
  const before = (await call<Figures>(Q)).data!.nationalDeliveryHealth;
  // Three records on their way (no delivery worker runs here): one waiting, one failing for ten minutes, one refused.
  await platform.services.immunization.runtime.orm.em.fork().execute(
    `insert into national_delivery (dedupe_key, person_id, status, last_error, created_at) values
       ('board-1', gen_random_uuid(), 'PENDING', null, now()),
       ('board-2', gen_random_uuid(), 'PENDING', 'SATUSEHAT 503', now() - interval '10 minutes'),
       ('board-3', gen_random_uuid(), 'FAILED', 'SATUSEHAT 400: lotNumber unknown to KFA', now())`,
  );
  const res = await call<Figures>(Q);
  expect(res.errors).toBeUndefined();
  const after = res.data!.nationalDeliveryHealth;
  expect([after.backlog - before.backlog, after.failing - before.failing, after.failed - before.failed]).toEqual([2, 1, 1]);
  expect(after.oldestPendingSeconds).toBeGreaterThanOrEqual(600);
  expect(code(await call(`{ nationalDeliveryHealth { backlog } }`, {}, tokens.partner))).toBe('FORBIDDEN');
});

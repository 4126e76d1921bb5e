import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { generate } from 'otplib';
import { gql, type GraphQLResponse } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../testing.js';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const OIDC_ISSUER = 'http://127.0.0.1/realms/dinkes-semarang';

const SESSION = `accessToken refreshToken accessTokenExpiresAt account { id role phone username facilityId totpEnabled }`;
interface Session {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  account: { id: string; role: string; phone: string | null; username: string | null; facilityId: string | null; totpEnabled: boolean };
}

const code = (res: GraphQLResponse<unknown>): unknown => res.errors?.[0]?.extensions?.code;
const jwtPayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

let platform: TestPlatform;
let jwks: Server;
let oidcKey: CryptoKey;
let phoneSeq = 0;
// A distinct number per test: throttles and locks are per phone.
const nextPhone = (): string => `0812${String(Date.now() % 10_000).padStart(4, '0')}${String(++phoneSeq).padStart(3, '0')}`;

beforeAll(async () => {
  // The city's OpenID provider, played by a JWKS document on loopback.
  const pair = await generateKeyPair('RS256', { extractable: true });
  oidcKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'dinkes-1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  platform = await startTestPlatform('identity', {
    background: false,
    // Low, so that the last test reaches it; every test here asks from the same loopback address.
    serviceEnv: { IDENTITY_CODES_PER_IP_PER_HOUR: '12' },
    gatewayEnv: {
      OIDC_ISSUER,
      OIDC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/protocol/openid-connect/certs`,
      OIDC_ROLE_CLAIM: 'realm_access.roles',
      OIDC_ROLE_MAP: 'nakes=health-worker,dinkes-admin=admin',
      OIDC_FACILITY_CLAIM: 'victori_facility',
    },
  });
});
afterAll(async () => {
  await platform?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const call = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  gql<T>(platform.gatewayUrl, query, variables, token ? { token } : {});

async function codeFromOutbox(phone: string): Promise<string> {
  const res = await call<{ devSmsOutbox: { to: string; text: string }[] }>(`query($p: String!) { devSmsOutbox(phone: $p) { to text } }`, {
    p: phone,
  });
  expect(res.errors).toBeUndefined();
  const match = /\b(\d{6})\b/.exec(res.data!.devSmsOutbox[0]?.text ?? '');
  if (!match) throw new Error('no code in the outbox');
  return match[1]!;
}

async function citizenSignIn(phone: string): Promise<Session> {
  const req = await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone });
  expect(req.errors).toBeUndefined();
  const res = await call<{ signInWithCode: Session }>(
    `mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { ${SESSION} } }`,
    {
      p: phone,
      c: await codeFromOutbox(phone),
    },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.signInWithCode;
}

async function staffSignIn(username: string, password: string, totpCode?: string): Promise<GraphQLResponse<{ staffSignIn: Session }>> {
  return call<{ staffSignIn: Session }>(
    `mutation($u: String!, $p: String!, $t: String) { staffSignIn(username: $u, password: $p, totpCode: $t) { ${SESSION} } }`,
    {
      u: username,
      p: password,
      t: totpCode ?? null,
    },
  );
}

const MY_APPOINTMENTS = `{ myAppointments { edges { node { id } } } }`;
const RECONCILIATIONS = `query($f: ID) { doseReconciliations(facilityId: $f) { totalCount edges { node { doseRecordId } } } }`;

describe('citizens sign in with their phone and a one-time code', () => {
  test('a code from the SMS outbox gives a token that booking accepts for myAppointments; the phone is not in the token', async () => {
    const phone = nextPhone();
    const req = await call<{ requestSignInCode: { phone: string; expiresAt: string; resendAfterSeconds: number } }>(
      `mutation($p: String!) { requestSignInCode(phone: $p) { phone expiresAt resendAfterSeconds } }`,
      { p: phone },
    );
    expect(req.errors).toBeUndefined();
    const sent = req.data!.requestSignInCode;
    expect(sent.phone).toBe(`+62${phone.slice(1)}`);
    const lifetime = new Date(sent.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(280_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);
    expect(sent.resendAfterSeconds).toBeGreaterThan(0);

    const anonymous = await call(MY_APPOINTMENTS);
    expect(code(anonymous)).toBe('UNAUTHENTICATED');

    const signedIn = await call<{ signInWithCode: Session }>(
      `mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { ${SESSION} } }`,
      {
        p: `+62 ${phone.slice(1)}`,
        c: await codeFromOutbox(phone),
      },
    );
    expect(signedIn.errors).toBeUndefined();
    const session = signedIn.data!.signInWithCode;
    expect(session.account).toMatchObject({ role: 'CITIZEN', phone: `+62${phone.slice(1)}`, totpEnabled: false });
    const claims = jwtPayload(session.accessToken);
    expect(claims).toMatchObject({ role: 'citizen', sub: session.account.id, iss: 'victori', aud: 'victori-api' });
    expect(JSON.stringify(claims)).not.toContain(phone.slice(1));
    expect((claims.exp as number) - (claims.iat as number)).toBe(15 * 60);

    const mine = await call<{ myAppointments: { edges: { node: unknown }[] } }>(MY_APPOINTMENTS, {}, session.accessToken);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myAppointments.edges.map((e) => e.node)).toEqual([]);
    const me = await call<{ me: { id: string; role: string } | null }>(`{ me { id role } }`, {}, session.accessToken);
    expect(me.data!.me).toEqual({ id: session.account.id, role: 'CITIZEN' });
    expect((await call<{ me: null }>(`{ me { id } }`)).data!.me).toBeNull();

    // A code signs in once; the same phone later gets the same account.
    const again = await call(`mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { accessToken } }`, {
      p: phone,
      c: await codeFromOutbox(phone),
    });
    expect(code(again)).toBe('CODE_EXPIRED');
  });

  test('a second code is refused until the resend time, a wrong number is a typed field error in both languages', async () => {
    const phone = nextPhone();
    await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone });
    const resend = await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone });
    expect(resend.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', field: 'phone' });
    expect(resend.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);

    const bad = await call(`mutation { requestSignInCode(phone: "12345") { phone } }`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phone' });
    expect(bad.errors![0]!.message).toMatch(/Nomor HP/);
    expect(bad.errors![0]!.extensions!.messageEn).toMatch(/phone number/);
    expect(JSON.stringify(bad.errors)).not.toContain('12345');
  });

  test('five wrong codes lock the phone: the right code no longer works and no new code is sent', async () => {
    const phone = nextPhone();
    await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone });
    const right = await codeFromOutbox(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      attempts.push(
        await call(`mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { accessToken } }`, { p: phone, c: wrong }),
      );
    }
    expect(attempts.slice(0, 4).map((a) => [code(a), a.errors![0]!.extensions!.attemptsLeft])).toEqual([
      ['BAD_USER_INPUT', 4],
      ['BAD_USER_INPUT', 3],
      ['BAD_USER_INPUT', 2],
      ['BAD_USER_INPUT', 1],
    ]);
    expect(code(attempts[4]!)).toBe('TOO_MANY_ATTEMPTS');
    const withRight = await call(`mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { accessToken } }`, {
      p: phone,
      c: right,
    });
    expect(code(withRight)).toBe('TOO_MANY_ATTEMPTS');
    expect(withRight.data ?? null).toBeNull();
    const newCode = await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone });
    expect(code(newCode)).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('sessions', () => {
  const REFRESH = `mutation($r: String!) { refreshSession(refreshToken: $r) { ${SESSION} } }`;

  test('a refresh token is rotated on use; presenting a used one again ends the whole session', async () => {
    const first = await citizenSignIn(nextPhone());
    const second = await call<{ refreshSession: Session }>(REFRESH, { r: first.refreshToken });
    expect(second.errors).toBeUndefined();
    const rotated = second.data!.refreshSession;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(rotated.account.id).toBe(first.account.id);
    expect((await call(MY_APPOINTMENTS, {}, rotated.accessToken)).errors).toBeUndefined();

    // Someone replays the first (stolen) token: refused, and the legitimate newer one dies with it.
    const replay = await call(REFRESH, { r: first.refreshToken });
    expect(replay.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', field: 'refreshToken' });
    expect(code(await call(REFRESH, { r: rotated.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  test('signing out ends the refresh token', async () => {
    const session = await citizenSignIn(nextPhone());
    const out = await call<{ signOut: boolean }>(`mutation($r: String!) { signOut(refreshToken: $r) }`, { r: session.refreshToken });
    expect(out.data!.signOut).toBe(true);
    expect(code(await call(REFRESH, { r: session.refreshToken }))).toBe('UNAUTHENTICATED');
  });
});

describe('staff', () => {
  const CREATE = `mutation($i: CreateStaffAccountInput!) { createStaffAccount(input: $i) { id role username facilityId totpEnabled } }`;

  test('an admin creates a health worker, who signs in with the password and works for his own facility only', async () => {
    expect(code(await staffSignIn('admin', 'wrong-password-123'))).toBe('INVALID_CREDENTIALS');
    expect(code(await staffSignIn('nobody.here', 'admin-dev-password'))).toBe('INVALID_CREDENTIALS');
    const admin = await staffSignIn('admin', 'admin-dev-password');
    expect(admin.errors).toBeUndefined();
    expect(jwtPayload(admin.data!.staffSignIn.accessToken)).toMatchObject({ role: 'admin' });
    const adminToken = admin.data!.staffSignIn.accessToken;

    const input = {
      username: 'bidan.sari',
      password: 'a-long-enough-password',
      role: 'HEALTH_WORKER',
      facilityId: MIROTO,
      displayName: 'Bidan Sari',
    };
    const citizen = await citizenSignIn(nextPhone());
    expect(code(await call(CREATE, { i: input }, citizen.accessToken))).toBe('FORBIDDEN');
    const invalid = await call(CREATE, { i: { ...input, username: 'x', password: 'short', facilityId: null } }, adminToken);
    expect(code(invalid)).toBe('BAD_USER_INPUT');
    expect((invalid.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field)).toEqual([
      'username',
      'password',
      'facilityId',
    ]);

    const created = await call<{ createStaffAccount: { id: string; role: string; facilityId: string } }>(CREATE, { i: input }, adminToken);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createStaffAccount).toMatchObject({ role: 'HEALTH_WORKER', username: 'bidan.sari', facilityId: MIROTO });
    expect(code(await call(CREATE, { i: input }, adminToken))).toBe('CONFLICT');

    const worker = await staffSignIn('Bidan.Sari', input.password);
    expect(worker.errors).toBeUndefined();
    const token = worker.data!.staffSignIn.accessToken;
    expect(jwtPayload(token)).toMatchObject({ role: 'health-worker', facility: MIROTO, sub: created.data!.createStaffAccount.id });
    const own = await call<{ doseReconciliations: { totalCount: number; edges: unknown[] } }>(RECONCILIATIONS, { f: MIROTO }, token);
    expect(own.errors).toBeUndefined();
    expect(own.data!.doseReconciliations).toEqual({ totalCount: 0, edges: [] });
    expect(code(await call(RECONCILIATIONS, { f: BANDARHARJO }, token))).toBe('FORBIDDEN');
  });

  test('the seeded health worker turns on TOTP; then sign-in needs a fresh authenticator code', async () => {
    const first = await staffSignIn('nakes.miroto', 'nakes-dev-password');
    expect(first.errors).toBeUndefined();
    const token = first.data!.staffSignIn.accessToken;
    const enrol = await call<{ enrolTotp: { secret: string; otpauthUri: string } }>(
      `mutation { enrolTotp { secret otpauthUri } }`,
      {},
      token,
    );
    expect(enrol.errors).toBeUndefined();
    const { secret, otpauthUri } = enrol.data!.enrolTotp;
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const VERIFY = `mutation($c: String!) { verifyTotp(code: $c) { totpEnabled } }`;
    expect(code(await call(VERIFY, { c: '000000' === (await generate({ secret })) ? '111111' : '000000' }, token))).toBe('BAD_USER_INPUT');
    const verified = await call<{ verifyTotp: { totpEnabled: boolean } }>(VERIFY, { c: await generate({ secret }) }, token);
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyTotp.totpEnabled).toBe(true);

    expect(code(await staffSignIn('nakes.miroto', 'nakes-dev-password'))).toBe('TOTP_REQUIRED');
    // The code used to confirm enrolment is spent; the next time step's code (within the drift allowance) works once.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const withTotp = await staffSignIn('nakes.miroto', 'nakes-dev-password', next);
    expect(withTotp.errors).toBeUndefined();
    expect(withTotp.data!.staffSignIn.account).toMatchObject({ username: 'nakes.miroto', facilityId: MIROTO, totpEnabled: true });
    expect(code(await staffSignIn('nakes.miroto', 'nakes-dev-password', next))).toBe('BAD_USER_INPUT');
    const works = await call(RECONCILIATIONS, { f: MIROTO }, withTotp.data!.staffSignIn.accessToken);
    expect(works.errors).toBeUndefined();
  });
});

describe('an OpenID Connect provider', () => {
  const providerToken = (key: CryptoKey, claims: Record<string, unknown>, kid = 'dinkes-1') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(OIDC_ISSUER)
      .setAudience('victori-api')
      .setSubject('keycloak-user-42')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  test('its token (role and facility from configured claims) is accepted by the gateway; a token with a foreign key is not', async () => {
    const token = await providerToken(oidcKey, { realm_access: { roles: ['offline_access', 'nakes'] }, victori_facility: MIROTO });
    const me = await call<{ me: { id: string; role: string; facilityId: string } }>(`{ me { id role facilityId } }`, {}, token);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({ id: 'keycloak-user-42', role: 'HEALTH_WORKER', facilityId: MIROTO });
    expect((await call(RECONCILIATIONS, { f: MIROTO }, token)).errors).toBeUndefined();
    expect(code(await call(RECONCILIATIONS, { f: BANDARHARJO }, token))).toBe('FORBIDDEN');

    const stranger = await generateKeyPair('RS256');
    const forged = await call(`{ me { id } }`, {}, await providerToken(stranger.privateKey, { realm_access: { roles: ['dinkes-admin'] } }));
    expect(forged.status).toBe(401);
    expect(code(forged)).toBe('UNAUTHENTICATED');
    const noRole = await call(`{ me { id } }`, {}, await providerToken(oidcKey, { realm_access: { roles: ['offline_access'] } }));
    expect(noRole.status).toBe(401);
  });
});

describe('one address asking for codes for many phones', () => {
  test('is refused once over its hourly allowance, whatever the phone', async () => {
    const answers: GraphQLResponse<unknown>[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await call(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: nextPhone() });
      answers.push(res);
      if (res.errors) break;
    }
    const refused = answers.at(-1)!;
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', field: 'client' });
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Earlier tests used part of the allowance of 12; the rest went through.
    expect(answers.length).toBeLessThan(14);
    expect(answers.slice(0, -1).every((a) => a.errors === undefined)).toBe(true);
  });
});

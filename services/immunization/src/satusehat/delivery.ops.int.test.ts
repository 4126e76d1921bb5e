/**
 * What an operator of national delivery sees: `npm start` sends to the simulator in development and
 * refuses production without SATUSEHAT; while deliveries are stuck /ready says `degraded` with the
 * backlog, and the log has a few lines per state change instead of one per attempt.
 */
import { Writable } from 'node:stream';
import { ConfigError, Env, loadServiceConfig, makeNik, startService } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { nationalLink } from '../../../../platform/src/dev-satusehat.js';
import { startTestPlatform, type TestPlatform } from '../../../../platform/src/testing.js';
import { loadImmunizationSettings } from '../config.js';
import { immunizationService } from '../service.js';
import { simulatorKfaCodes, startSatusehatSimulator, type SatusehatSimulator } from './simulator.js';

const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const ORG = '100026003';
const LOC = '5a7e0000-0000-4000-8000-000000000003';

describe('where npm start sends dose records', () => {
  test('development without SATUSEHAT_BASE_URL runs the simulator, named in the banner', async () => {
    const link = await nationalLink(new Env({ SATUSEHAT_SIM_PORT: '0' }));
    try {
      expect(link.banner).toMatch(/SATUSEHAT: local SIMULATOR at http:\/\/127\.0\.0\.1:\d+\/fhir-r4\/v1/);
      expect(link.banner).toMatch(/BPJS PCare: local SIMULATOR at http:\/\/127\.0\.0\.1:\d+\/pcare-rest/);
      // OAuth2 as SATUSEHAT does it: client credentials for a token, the token for FHIR.
      const tokenRes = await fetch(`${link.env.SATUSEHAT_AUTH_URL}/accesstoken?grant_type=client_credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: link.env.SATUSEHAT_CLIENT_ID!,
          client_secret: link.env.SATUSEHAT_CLIENT_SECRET!,
        }).toString(),
      });
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const url = `${link.env.SATUSEHAT_BASE_URL}/Patient?identifier=https://fhir.kemkes.go.id/id/nik|3374011204909001`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
      expect(loadImmunizationSettings(new Env(link.env)).satusehat.kfaOverrides.size).toBeGreaterThan(10);
    } finally {
      await link.close();
    }
  });

  test('production refuses to start without a real SATUSEHAT, unless delivery is explicitly off', async () => {
    await expect(nationalLink(new Env({ NODE_ENV: 'production' }))).rejects.toThrow(ConfigError);
    expect(() => loadImmunizationSettings(new Env({ NODE_ENV: 'production' }))).toThrow(/SATUSEHAT_BASE_URL is required in production/);
    const off = await nationalLink(new Env({ NODE_ENV: 'production', SATUSEHAT_DELIVERY: 'off', PCARE_DELIVERY: 'off' }));
    expect(off.banner).toContain('SATUSEHAT: delivery OFF');
    expect(off.banner).toContain('BPJS PCare: delivery OFF');
    const offSettings = loadImmunizationSettings(new Env({ NODE_ENV: 'production', SATUSEHAT_DELIVERY: 'off', PCARE_DELIVERY: 'off' }));
    expect([offSettings.satusehat.delivery, offSettings.pcare.delivery]).toEqual(['off', 'off']);
    const production = {
      NODE_ENV: 'production',
      SATUSEHAT_BASE_URL: 'https://api-satusehat.kemkes.go.id/fhir-r4/v1',
      PCARE_BASE_URL: 'https://apijkn.bpjs-kesehatan.go.id/pcare-rest',
    };
    const real = await nationalLink(new Env(production));
    expect(real.env).toEqual({});
    // Secrets only from configuration: production without the client credentials does not start.
    expect(() => loadImmunizationSettings(new Env({ ...production, PCARE_DELIVERY: 'off' }))).toThrow(/SATUSEHAT_CLIENT_ID is required/);
    expect(() => loadImmunizationSettings(new Env({ ...production, SATUSEHAT_CLIENT_ID: 'c', SATUSEHAT_CLIENT_SECRET: 's' }))).toThrow(
      /PCARE_CONS_ID is required/,
    );
    expect(
      loadImmunizationSettings(new Env({ ...production, PCARE_DELIVERY: 'off', SATUSEHAT_CLIENT_ID: 'c', SATUSEHAT_CLIENT_SECRET: 's' }))
        .satusehat,
    ).toMatchObject({ authUrl: 'https://api-satusehat.kemkes.go.id/oauth2/v1', clientId: 'c', clientSecret: 's' });
  });

  test('the service itself refuses to start in production without SATUSEHAT, also without background work', async () => {
    // Started otherwise than by npm start (an in-process platform): it used to listen and answer every request 500.
    const env = new Env({
      NODE_ENV: 'production',
      IMMUNIZATION_PORT: '0',
      IMMUNIZATION_DATABASE_URL: 'postgres://127.0.0.1:9/none',
      BUS_DATABASE_URL: 'postgres://127.0.0.1:9/none',
      GATEWAY_SECRET: 'x'.repeat(32),
      PII_KEY: '0'.repeat(64),
    });
    await expect(startService(immunizationService, loadServiceConfig('immunization', env), { background: false })).rejects.toThrow(
      /SATUSEHAT_BASE_URL is required in production/,
    );
  });
});

describe('stuck deliveries', () => {
  let platform: TestPlatform;
  let sim: SatusehatSimulator;
  const lines: { msg?: string; service?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg?: string });
      done();
    },
  });

  beforeAll(async () => {
    sim = await startSatusehatSimulator();
    sim.registerFacility(ORG, LOC);
    platform = await startTestPlatform('deliveryops', {
      logLevel: 'info',
      logDestination: sink,
      serviceEnv: {
        SATUSEHAT_BASE_URL: sim.url,
        SATUSEHAT_AUTH_URL: sim.authUrl,
        SATUSEHAT_KFA_CODES: simulatorKfaCodes(),
        PCARE_DELIVERY: 'off',
        SATUSEHAT_RETRY_BASE_MS: '5',
        SATUSEHAT_RETRY_MAX_MS: '20',
        SATUSEHAT_POLL_MS: '10',
        SATUSEHAT_STUCK_AFTER_MS: '1500',
      },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  const ready = async () => {
    const res = await fetch(platform.services.immunization.url.replace(/\/graphql$/, '/ready'));
    return { http: res.status, body: (await res.json()) as { status: string; checks: { nationalDelivery: Record<string, number> } } };
  };

  test('/ready says degraded with the backlog and the oldest age, and recovers; the log does not grow per attempt', async () => {
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    // The facility's SATUSEHAT ids and the vaccinator's NIK, as an admin registers them.
    const ids = await gql(
      platform.gatewayUrl,
      `mutation($id: ID!, $i: SatusehatIdsInput!) { setFacilitySatusehatIds(id: $id, input: $i) { satusehatOrganizationId satusehatLocationId } }`,
      { id: BANDARHARJO, i: { organizationId: ORG, locationId: LOC } },
      { token: admin },
    );
    expect(ids.data).toEqual({ setFacilitySatusehatIds: { satusehatOrganizationId: ORG, satusehatLocationId: LOC } });
    const practitioner = await gql(
      platform.gatewayUrl,
      `mutation($nik: String!) { registerPractitionerNik(accountId: "hw-1", nik: $nik) { accountId ihsPractitionerId } }`,
      { nik: makeNik('337402', '1985-03-03', 'FEMALE', 12) },
      { token: admin },
    );
    expect(practitioner.data).toEqual({ registerPractitionerNik: { accountId: 'hw-1', ihsPractitionerId: null } });
    sim.setMode({ kind: 'fail' });
    const worker = await platform.token({ role: 'health-worker', sub: 'hw-1', facilityId: BANDARHARJO });
    const person = await gql<{ registerPerson: { id: string } }>(
      platform.gatewayUrl,
      `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id } }`,
      {
        i: {
          nik: makeNik('337402', '1980-01-02', 'MALE', 77),
          fullName: 'Walk In',
          birthDate: '1980-01-02',
          sex: 'MALE',
          residenceKelurahanCode: '33.74.02.1001',
        },
      },
      { token: worker },
    );
    // Before the record exists: its age at degraded is then at most now - this.
    const beforeRecord = Date.now();
    const dose = await gql(
      platform.gatewayUrl,
      `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id } }`,
      {
        i: {
          personId: person.data!.registerPerson.id,
          programme: 'COVID19',
          doseKind: 'PRIMARY_1',
          productCode: 'INDOVAC',
          lotNumber: 'IDV2409A',
          expirationDate: '2030-01-31',
          administeredAt: new Date().toISOString(),
        },
      },
      { token: worker },
    );
    expect(dose.errors).toBeUndefined();

    let state = await ready();
    for (const until = Date.now() + 15_000; state.body.status !== 'degraded' && Date.now() < until; state = await ready()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state.http).toBe(200); // still serving
    expect(state.body.status).toBe('degraded');
    expect(Date.now() - beforeRecord).toBeGreaterThanOrEqual(1500); // not before failing for the threshold
    expect(state.body.checks.nationalDelivery).toMatchObject({ degraded: true, backlog: 1, failing: 1 });
    expect(state.body.checks.nationalDelivery.oldestPendingSeconds).toBeGreaterThanOrEqual(0);
    // Many more failed attempts: waited for by count (bounded), not by a fixed time a busy machine may not meet.
    const patientLookups = (): number => sim.received.filter((r) => r.method === 'GET' && r.path === '/Patient').length;
    for (const until = Date.now() + 15_000; patientLookups() <= 30 && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));

    const attempts = patientLookups();
    const logged = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('national delivery')).length;
    expect(attempts).toBeGreaterThan(30);
    // Powers of two of the attempts: about log2(attempts) lines, not one per attempt.
    expect(logged).toBeLessThanOrEqual(Math.ceil(Math.log2(attempts)) + 2);

    sim.setMode({ kind: 'ok' });
    for (const until = Date.now() + 15_000; state.body.status !== 'ready' && Date.now() < until; state = await ready()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state.body.status).toBe('ready');
    expect(state.body.checks.nationalDelivery).toMatchObject({ degraded: false, backlog: 0 });
    expect(lines.some((l) => l.msg === 'national delivery succeeded after retries')).toBe(true);
  });
});

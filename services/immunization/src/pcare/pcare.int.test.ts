import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createLogger, Env, initOrm, makeNik, PiiVault, withEvents, type Claims } from '@victori/shared';
import { freshDatabase } from '@victori/shared/testing';
import { randomBytes } from 'node:crypto';
import { loadImmunizationSettings } from '../config.js';
import { migrations } from '../migrations/index.js';
import { AdverseEventEntity } from '../modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { DoseService } from '../modules/dose/dose.service.js';
import { GuardianEntity } from '../modules/guardian/guardian.entity.js';
import { PersonEntity } from '../modules/person/person.entity.js';
import { PersonService } from '../modules/person/person.service.js';
import { DeliveryWorker } from '../satusehat/delivery.worker.js';
import { registerPractitionerNik, rememberFacilityIds } from '../satusehat/national.service.js';
import { simulatorKfaCodes, startSatusehatSimulator, type SatusehatSimulator } from '../satusehat/simulator.js';
import { pcareAuthorization, pcareDecrypt, pcareSignature } from './pcare.crypto.js';
import { PCARE_SIMULATOR_CREDENTIALS, PcareSimulator, startPcareSimulator, type PcareSimulatorMode } from './pcare.simulator.js';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const ORG = '100026002';
const LOC = '5a7e0000-0000-4000-8000-000000000002';
const worker: Claims = { role: 'health-worker', sub: 'hw-1', facilityId: MIROTO };

describe('delivery to BPJS PCare: signed requests, one registration per visit, independent of SATUSEHAT', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: MikroORM;
  let pcare: PcareSimulator;
  let satusehat: SatusehatSimulator;
  const vault = new PiiVault(randomBytes(32).toString('hex'));
  let serial = 1;
  const em = () => orm.em.fork() as EntityManager;

  beforeAll(async () => {
    db = await freshDatabase('pcare');
    orm = await initOrm({
      databaseUrl: db.url,
      entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
      migrations: withEvents(migrations),
      poolSize: 8,
    });
    await orm.migrator.up();
    pcare = await startPcareSimulator();
    satusehat = await startSatusehatSimulator();
  });
  afterAll(async () => {
    await pcare?.close();
    await satusehat?.close();
    await orm?.close(true);
    await db?.drop();
  });
  beforeEach(async () => {
    pcare.reset();
    satusehat.reset();
    satusehat.registerFacility(ORG, LOC);
    await em().execute(
      `truncate national_delivery, national_visit, dose_record, person, outbox, satusehat_facility, satusehat_practitioner`,
    );
    await em().transactional((tx) =>
      rememberFacilityIds(tx, { facilityId: MIROTO, satusehatOrganizationId: ORG, satusehatLocationId: LOC }),
    );
    await registerPractitionerNik(em(), { role: 'admin', sub: 'a' }, vault, 'hw-1', makeNik('337401', '1985-11-20', 'FEMALE', 501));
  });

  const settings = (overrides: Record<string, string> = {}) =>
    loadImmunizationSettings(
      new Env({
        PCARE_BASE_URL: pcare.url,
        SATUSEHAT_BASE_URL: satusehat.url,
        SATUSEHAT_AUTH_URL: satusehat.authUrl,
        SATUSEHAT_KFA_CODES: simulatorKfaCodes(),
        SATUSEHAT_TIMEOUT_MS: '150',
        SATUSEHAT_RETRY_BASE_MS: '5',
        SATUSEHAT_RETRY_MAX_MS: '40',
        SATUSEHAT_LEASE_MS: '1000',
        SATUSEHAT_VISIT_CLOSE_MS: '0',
        ...overrides,
      }),
    );
  const newWorker = (target: 'PCARE' | 'SATUSEHAT' = 'PCARE', overrides: Record<string, string> = {}) =>
    new DeliveryWorker(orm, vault, settings(overrides), createLogger('test', 'silent'), fetch, {}, target);

  async function personWithDoses(doses: { kind: string; product: string; at: string }[], programme = 'COVID19') {
    const nik = makeNik('337401', '1980-06-15', 'MALE', serial++);
    const person = await new PersonService(em(), vault, worker).registerPerson({
      nik,
      fullName: `Warga ${serial}`,
      birthDate: '1980-06-15',
      sex: 'MALE',
      residenceKelurahanCode: '33.74.01.1001',
    });
    const records: DoseRecordEntity[] = [];
    for (const [i, d] of doses.entries()) {
      records.push(
        await new DoseService(em(), worker).recordDose(
          {
            personId: person.id,
            programme,
            doseKind: d.kind,
            productCode: d.product,
            lotNumber: `LOT-${i}`,
            expirationDate: '2027-06-30',
            administeredAt: d.at,
          },
          async () => ({ facilityId: MIROTO, offScheduleReason: null }),
        ),
      );
    }
    return { nik, person, records };
  }

  const states = async (target = 'PCARE') =>
    Object.fromEntries(
      (
        await em().execute<{ status: string; n: string }[]>(
          `select status, count(*) as n from national_delivery where target = ? group by status`,
          [target],
        )
      ).map((r) => [r.status, Number(r.n)]),
    );

  async function runUntilDelivered(w: DeliveryWorker, target = 'PCARE', limitMs = 30_000): Promise<void> {
    for (const until = Date.now() + limitMs; Date.now() < until;) {
      await w.processOnce();
      if (!(await states(target)).PENDING) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`still pending: ${JSON.stringify(await states(target))}`);
  }

  test.each<[string, PcareSimulatorMode, number]>([
    ['no outage', { kind: 'ok' }, 0],
    ['an outage (503, 300 ms)', { kind: 'fail' }, 300],
    ['rate limited (429, 300 ms)', { kind: 'rate-limit' }, 300],
    ['the endpoint hangs (300 ms)', { kind: 'timeout' }, 300],
    ['the registration is kept but its answer lost (300 ms)', { kind: 'store-then-hang' }, 300],
  ])('%s: each visit is registered once, a healthy visit at the immunization poli', async (_name, mode, outageMs) => {
    const people = [await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T02:00:00Z' }])];
    people.push(await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T03:00:00Z' }]));
    const w = newWorker();
    if (outageMs > 0) {
      pcare.setMode(mode);
      for (const until = Date.now() + outageMs; Date.now() < until;) {
        await w.processOnce();
        await new Promise((r) => setTimeout(r, 5));
      }
      pcare.setMode({ kind: 'ok' });
    }
    await runUntilDelivered(w);
    expect(await states()).toEqual({ DELIVERED: 2 });
    expect(pcare.registrations).toHaveLength(2);
    expect(pcare.registrations.map((r) => r.noKartu).sort()).toEqual(people.map((p) => PcareSimulator.cardOf(p.nik)).sort());
    expect(pcare.registrations.every((r) => r.tglDaftar === '02-03-2026' && r.kdPoli === '020')).toBe(true);
    const posted = pcare.received.filter((r) => r.method === 'POST');
    expect(posted[0]!.body).toMatchObject({ kunjSakit: false, kdTkp: '10', tglDaftar: '02-03-2026' });
  });

  test('two doses of one visit are one registration; its number is the national id of both', async () => {
    const child = await new PersonService(em(), vault, worker).registerChild({
      fullName: 'Bayi Ny. Sari',
      birthDate: '2026-03-01',
      sex: 'MALE',
      nik: makeNik('337401', '2026-03-01', 'MALE', serial++),
      residenceKelurahanCode: '33.74.01.1001',
      relationship: 'MOTHER',
    });
    const records: DoseRecordEntity[] = [];
    for (const [i, kind] of ['HB0', 'BCG'].entries()) {
      records.push(
        await new DoseService(em(), worker).recordDose(
          {
            personId: child.id,
            programme: 'ROUTINE_CHILD',
            doseKind: kind,
            productCode: kind,
            lotNumber: `LOT-${i}`,
            expirationDate: '2027-06-30',
            administeredAt: `2026-03-02T02:0${i}:00Z`,
          },
          async () => ({ facilityId: MIROTO, offScheduleReason: null }),
        ),
      );
    }
    await runUntilDelivered(newWorker());
    expect(pcare.registrations).toHaveLength(1);
    const ids = await em().execute<{ remote_id: string }[]>(
      `select remote_id from national_delivery where target = 'PCARE' and dose_record_id in (?)`,
      [records.map((r) => r.id)],
    );
    expect(ids.map((i) => i.remote_id)).toEqual(['02-03-2026/A1', '02-03-2026/A1']);
  });

  test('someone who is not a BPJS participant is NOT_APPLICABLE for PCare, and a historical record too', async () => {
    const { nik, records } = await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T02:00:00Z' }]);
    pcare.nonParticipants.add(nik);
    const other = await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T02:00:00Z' }]);
    await em().execute(`update dose_record set source = 'IMPORTED' where id = ?`, [other.records[0]!.id]);
    await runUntilDelivered(newWorker());
    const rows = await em().execute<{ dose_record_id: string; status: string; problem: string | null }[]>(
      `select dose_record_id, status, problem from national_delivery where target = 'PCARE'`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { dose_record_id: records[0]!.id, status: 'NOT_APPLICABLE', problem: 'NOT_A_PARTICIPANT' },
        { dose_record_id: other.records[0]!.id, status: 'NOT_APPLICABLE', problem: null },
      ]),
    );
    expect(pcare.registrations).toHaveLength(0);
  });

  test("one target's outage does not hold the other: SATUSEHAT down, PCare delivered; then SATUSEHAT catches up", async () => {
    await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T02:00:00Z' }]);
    satusehat.setMode({ kind: 'fail' });
    const toSatusehat = newWorker('SATUSEHAT');
    await toSatusehat.processOnce();
    await runUntilDelivered(newWorker());
    expect(await states('PCARE')).toEqual({ DELIVERED: 1 });
    expect(await states('SATUSEHAT')).toEqual({ PENDING: 1 });
    satusehat.setMode({ kind: 'ok' });
    await em().execute(`update national_delivery set next_attempt_at = now()`);
    await runUntilDelivered(toSatusehat, 'SATUSEHAT');
    expect(await states('SATUSEHAT')).toEqual({ DELIVERED: 1 });
  });

  test('wrong credentials are refused by the signature check and retried, never registered', async () => {
    await personWithDoses([{ kind: 'PRIMARY_1', product: 'PFIZER', at: '2026-03-02T02:00:00Z' }]);
    const w = newWorker('PCARE', { PCARE_SECRET_KEY: 'not-the-secret' });
    await w.processOnce();
    const [row] = await em().execute<{ status: string; last_error: string }[]>(
      `select status, last_error from national_delivery where target = 'PCARE'`,
    );
    expect(row).toEqual({ status: 'PENDING', last_error: 'PCare 401: X-signature tidak valid' });
    expect(pcare.registrations).toHaveLength(0);
  });

  test('the simulator checks every header PCare checks, and encrypts its answers with the request timestamp', async () => {
    const c = PCARE_SIMULATOR_CREDENTIALS;
    const nik = makeNik('337401', '1980-06-15', 'MALE', 999);
    const call = async (headers: Partial<Record<string, string>>) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const all = {
        'X-cons-id': c.consId,
        'X-timestamp': timestamp,
        'X-signature': pcareSignature(c.consId, timestamp, c.secretKey),
        'X-authorization': pcareAuthorization(c.username, c.password, c.appCode),
        user_key: c.userKey,
        ...headers,
      };
      const res = await fetch(`${pcare.url}/peserta/nik/${nik}`, {
        headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>,
      });
      return {
        timestamp: all['X-timestamp']!,
        body: (await res.json()) as { metaData: { code: number; message: string }; response: string | null },
      };
    };
    const ok = await call({});
    expect(ok.body.metaData.code).toBe(200);
    expect(pcareDecrypt<{ noKartu: string }>(ok.body.response!, c.consId, c.secretKey, ok.timestamp).noKartu).toBe(
      PcareSimulator.cardOf(nik),
    );
    for (const [headers, message] of [
      [{ 'X-signature': 'AAAA' }, 'X-signature tidak valid'],
      [{ 'X-timestamp': String(Math.floor(Date.now() / 1000) - 3600) }, 'X-timestamp tidak valid'],
      [{ 'X-authorization': pcareAuthorization(c.username, 'wrong', c.appCode) }, 'X-authorization tidak valid'],
      [{ user_key: 'nope' }, 'user_key tidak valid'],
    ] as const) {
      expect((await call(headers)).body.metaData).toEqual({ code: 401, message });
    }
  });
});

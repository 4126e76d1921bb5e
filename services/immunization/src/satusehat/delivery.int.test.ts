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
import { forgetSatusehatTokens } from './client.js';
import { DeliveryWorker } from './delivery.worker.js';
import { CVX_SYSTEM, KFA_SYSTEM, ORIGIN_SYSTEM, REASON_SYSTEM, ROUTE_SYSTEM, TIMING_SYSTEM, type FhirResource } from './fhir.js';
import { deliveryBacklog, registerPractitionerNik, rememberFacilityIds, retryDelivery } from './national.service.js';
import { SIMULATOR_KFA, simulatorKfaCodes, startSatusehatSimulator, type SatusehatSimulator, type SimulatorMode } from './simulator.js';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const ORG = '100026002';
const LOC = '5a7e0000-0000-4000-8000-000000000002';
const worker: Claims = { role: 'health-worker', sub: 'hw-1', facilityId: MIROTO };
const admin: Claims = { role: 'admin', sub: 'admin-1' };
const HW_NIK = makeNik('337401', '1985-11-20', 'FEMALE', 501);

describe('delivery to SATUSEHAT: identities, visits, codes; it survives outages and delivers every record exactly once', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: MikroORM;
  let sim: SatusehatSimulator;
  const vault = new PiiVault(randomBytes(32).toString('hex'));
  let serial = 1;
  const em = () => orm.em.fork() as EntityManager;

  beforeAll(async () => {
    db = await freshDatabase('delivery');
    orm = await initOrm({
      databaseUrl: db.url,
      entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
      migrations: withEvents(migrations),
      poolSize: 8,
    });
    await orm.migrator.up();
    sim = await startSatusehatSimulator();
  });
  afterAll(async () => {
    await sim?.close();
    await orm?.close(true);
    await db?.drop();
  });
  beforeEach(async () => {
    sim.reset();
    sim.registerFacility(ORG, LOC);
    forgetSatusehatTokens();
    await em().execute(
      `truncate national_delivery, national_visit, dose_record, person, outbox, satusehat_facility, satusehat_practitioner`,
    );
    await em().transactional((tx) =>
      rememberFacilityIds(tx, { facilityId: MIROTO, satusehatOrganizationId: ORG, satusehatLocationId: LOC }),
    );
    await registerPractitionerNik(em(), admin, vault, 'hw-1', HW_NIK);
  });

  const newWorker = (overrides: Record<string, string> = {}) =>
    new DeliveryWorker(
      orm,
      vault,
      loadImmunizationSettings(
        new Env({
          SATUSEHAT_BASE_URL: sim.url,
          SATUSEHAT_AUTH_URL: sim.authUrl,
          SATUSEHAT_KFA_CODES: simulatorKfaCodes(),
          SATUSEHAT_TIMEOUT_MS: '150',
          SATUSEHAT_RETRY_BASE_MS: '5',
          SATUSEHAT_RETRY_MAX_MS: '40',
          SATUSEHAT_LEASE_MS: '1000',
          SATUSEHAT_VISIT_CLOSE_MS: '0',
          ...overrides,
        }),
      ),
      createLogger('test', 'silent'),
    );

  const dose = (personId: string, i: number, over: Record<string, unknown> = {}) => ({
    personId,
    programme: 'COVID19',
    doseKind: 'PRIMARY_1',
    productCode: 'PFIZER',
    lotNumber: `LOT-${i}`,
    expirationDate: '2027-06-30',
    administeredAt: '2026-01-05T03:00:00Z',
    ...over,
  });
  // The health worker registered the person at their own facility (the policy's decision, src/policy.ts).
  const here = async () => ({ facilityId: MIROTO, offScheduleReason: null });

  /** Registers `n` adults and records their first COVID-19 dose (one visit each). */
  async function recordDoses(n: number, by: Claims = worker): Promise<DoseRecordEntity[]> {
    const records: DoseRecordEntity[] = [];
    for (let i = 0; i < n; i++) {
      const nik = makeNik('337401', '1980-06-15', 'MALE', serial++);
      const person = await new PersonService(em(), vault, worker).registerPerson({
        nik,
        fullName: `Warga ${i}`,
        birthDate: '1980-06-15',
        sex: 'MALE',
        residenceKelurahanCode: '33.74.01.1001',
      });
      records.push(await new DoseService(em(), by).recordDose(dose(person.id, i), here));
    }
    return records;
  }

  async function states(): Promise<Record<string, number>> {
    const rows = await em().execute<{ status: string; n: string }[]>(
      `select status, count(*) as n from national_delivery where target = 'SATUSEHAT' group by status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async function row(recordId: string) {
    const [r] = await em().execute<{ status: string; problem: string | null; last_error: string | null; attempts: number }[]>(
      `select status, problem, last_error, attempts from national_delivery where target = 'SATUSEHAT' and dose_record_id = ?`,
      [recordId],
    );
    return r!;
  }

  /** Runs the worker until nothing is pending and every visit's Encounter is finished (bounded). */
  async function runUntilSettled(w: DeliveryWorker, limitMs = 30_000): Promise<void> {
    const until = Date.now() + limitMs;
    while (Date.now() < until) {
      await w.processOnce();
      const [open] = await em().execute<{ n: string }[]>(
        `select count(*) as n from national_visit where target = 'SATUSEHAT' and status = 'OPEN' and remote_id is not null`,
      );
      if (!(await states()).PENDING && Number(open!.n) === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(
      `still pending after ${limitMs} ms: ${JSON.stringify(await states())} ${JSON.stringify(await em().execute(`select status, problem, last_error from national_delivery where target='SATUSEHAT'`))} ${JSON.stringify(await em().execute(`select * from national_visit`))}`,
    );
  }

  const ours = (key: string) => sim.byIdentifier(`victori:${key}`);
  function expectExactlyOnce(records: DoseRecordEntity[], visits = records.length): void {
    for (const r of records) expect(ours(r.dedupeKey)).toHaveLength(1);
    expect(sim.immunizations.size).toBe(records.length);
    expect(sim.encounters.size).toBe(visits);
  }

  test.each<[string, SimulatorMode, number]>([
    ['no outage', { kind: 'fail' }, 0],
    ['a short outage (503, 50 ms)', { kind: 'fail' }, 50],
    ['a long outage (503, 600 ms ≈ many retries)', { kind: 'fail' }, 600],
    ['rate limited (429, 300 ms)', { kind: 'rate-limit' }, 300],
    ['the endpoint hangs (timeouts, 400 ms)', { kind: 'timeout' }, 400],
    ['it stores the resource but the answer is lost (400 ms)', { kind: 'store-then-hang' }, 400],
    ['it is slow (latency above the timeout, 300 ms)', { kind: 'slow', delayMs: 400 }, 300],
  ])('%s: every record ends DELIVERED, exactly once, each in one finished Encounter', async (_name, mode, outageMs) => {
    const records = await recordDoses(6);
    expect(await states()).toEqual({ PENDING: 6 });
    const w = newWorker();
    if (outageMs > 0) {
      sim.setMode(mode);
      const until = Date.now() + outageMs;
      while (Date.now() < until) {
        await w.processOnce();
        await new Promise((r) => setTimeout(r, 5));
      }
      const during = await em().execute<{ attempts: number; last_error: string | null; status: string }[]>(
        `select attempts, last_error, status from national_delivery where target = 'SATUSEHAT'`,
      );
      expect(during.every((d) => d.status !== 'FAILED' && d.attempts >= 1)).toBe(true);
      sim.setMode({ kind: 'ok' });
    }
    await runUntilSettled(w);
    expect(await states()).toEqual({ DELIVERED: 6 });
    expectExactlyOnce(records);
    expect([...sim.encounters.values()].every((e) => e.status === 'finished')).toBe(true);
    if (mode.kind === 'store-then-hang' && outageMs > 0) {
      // The simulator really did receive repeated creates: only search-before-create kept them single.
      expect(sim.received.filter((r) => r.method === 'POST').length).toBeGreaterThan(12);
    }
  });

  test.each<[string, { method: string; path: string }]>([
    ['the Encounter create', { method: 'POST', path: '/Encounter' }],
    ['the Immunization create', { method: 'POST', path: '/Immunization' }],
    ['the Encounter finish', { method: 'PUT', path: '/Encounter' }],
  ])('the answer to %s is lost twice: still one Encounter and one Immunization', async (_step, match) => {
    const records = await recordDoses(2);
    sim.nextMatching(2, match, { kind: 'store-then-hang' });
    await runUntilSettled(newWorker());
    expectExactlyOnce(records);
    // Both lost answers were followed by a search that found what was stored.
    expect(sim.received.filter((r) => r.outcome.endsWith('(response lost)'))).toHaveLength(2);
    expect([...sim.encounters.values()].map((e) => e.status)).toEqual(['finished', 'finished']);
  });

  test('a visit with two doses is one Encounter, created before its Immunizations and finished after them', async () => {
    const motherNik = makeNik('337401', '1996-08-09', 'FEMALE', serial++);
    const child = await new PersonService(em(), vault, worker).registerChild({
      fullName: 'Bayi Ny. Sari',
      birthDate: '2026-01-04',
      sex: 'FEMALE',
      motherNik,
      residenceKelurahanCode: '33.74.01.1001',
      relationship: 'MOTHER',
    });
    const doses = new DoseService(em(), worker);
    const hb0 = await doses.recordDose(
      dose(child.id, 1, { programme: 'ROUTINE_CHILD', doseKind: 'HB0', productCode: 'HB0', administeredAt: '2026-01-05T02:00:00Z' }),
      here,
    );
    const bcg = await doses.recordDose(
      dose(child.id, 2, { programme: 'ROUTINE_CHILD', doseKind: 'BCG', productCode: 'BCG', administeredAt: '2026-01-05T02:10:00Z' }),
      here,
    );
    // The newborn's registration under the mother's NIK is lost once: the retry finds it instead of registering twice.
    sim.nextMatching(1, { method: 'POST', path: '/Patient' }, { kind: 'store-then-hang' });
    await runUntilSettled(newWorker());
    expectExactlyOnce([hb0, bcg], 1);
    const newborns = [...sim.patients.values()].filter((p) => p.motherNik === motherNik);
    expect(newborns).toHaveLength(1);
    expect(newborns[0]!.resource).toMatchObject({ gender: 'female', birthDate: '2026-01-04', multipleBirthInteger: 0 });
    const [encounter] = [...sim.encounters.values()];
    expect(encounter).toMatchObject({ status: 'finished', subject: { reference: `Patient/${newborns[0]!.id}` } });
    const writes = sim.received.filter(
      (r) => r.method !== 'GET' && (r.path.startsWith('/Encounter') || r.path.startsWith('/Immunization')),
    );
    expect(writes.map((r) => `${r.method} ${r.path.split('/')[1]}`)).toEqual([
      'POST Encounter',
      'POST Immunization',
      'POST Immunization',
      'PUT Encounter',
    ]);
    for (const r of [hb0, bcg]) {
      const stored = ours(r.dedupeKey)[0]!;
      expect(stored.encounter).toEqual({ reference: `Encounter/${encounter!.id}` });
      expect((stored.reasonCode as { coding: { system: string; code: string }[] }[])[0]!.coding).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ system: REASON_SYSTEM, code: 'IM-Rutin' }),
          expect.objectContaining({ system: REASON_SYSTEM, code: 'IM-Dasar' }),
          expect.objectContaining({ system: TIMING_SYSTEM, code: 'IM-Ideal' }),
        ]),
      );
    }
    expect(ours(bcg.dedupeKey)[0]!.route).toEqual({
      coding: [{ system: ROUTE_SYSTEM, code: 'inj.intradermal', display: 'Injection Intradermal' }],
    });
  });

  test('what is sent is what SATUSEHAT asks for: KFA, CVX, route, dose, times, identifiers, performer, location', async () => {
    const [record] = await recordDoses(1);
    await runUntilSettled(newWorker());
    const stored = ours(record!.dedupeKey)[0]!;
    const [practitioner] = sim.received.filter((r) => r.path === '/Practitioner');
    expect(practitioner).toBeDefined();
    const practitionerId = [...sim.practitioners.entries()].find(([, nik]) => nik === HW_NIK)![0];
    expect(stored).toMatchObject({
      identifier: [{ system: `http://sys-ids.kemkes.go.id/immunization/${ORG}`, value: `victori:${record!.dedupeKey}` }],
      status: 'completed',
      vaccineCode: {
        coding: [
          { system: KFA_SYSTEM, code: SIMULATOR_KFA.PFIZER, display: 'Comirnaty (Pfizer-BioNTech)' },
          { system: CVX_SYSTEM, code: '208' },
        ],
      },
      occurrenceDateTime: '2026-01-05T03:00:00+00:00',
      primarySource: true,
      location: { reference: `Location/${LOC}` },
      lotNumber: 'LOT-0',
      expirationDate: '2027-06-30',
      route: { coding: [{ system: ROUTE_SYSTEM, code: 'inj.intramuscular' }] },
      doseQuantity: { value: 0.3, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
      performer: [{ actor: { reference: `Practitioner/${practitionerId}` } }, { actor: { reference: `Organization/${ORG}` } }],
      reasonCode: [{ coding: [{ system: REASON_SYSTEM, code: 'IM-Program' }] }],
      protocolApplied: [{ doseNumberPositiveInt: 1 }],
    });
    expect(stored.recorded).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    // Identities are cached: a second visit of another person looks the practitioner up no more.
    await recordDoses(1);
    await runUntilSettled(newWorker());
    expect(sim.received.filter((r) => r.path === '/Practitioner')).toHaveLength(1);
    // One token for all of it (cached until shortly before expiry).
    expect(sim.tokensIssued).toBe(1);
  });

  test('a historical record goes as primarySource false with reportOrigin, outside any Encounter', async () => {
    const [record] = await recordDoses(1);
    await em().execute(`update dose_record set source = 'IMPORTED', performer_id = 'import:history', expiration_date = null where id = ?`, [
      record!.id,
    ]);
    await runUntilSettled(newWorker());
    const stored = ours(record!.dedupeKey)[0]!;
    expect(stored).toMatchObject({ primarySource: false, reportOrigin: { coding: [{ system: ORIGIN_SYSTEM, code: 'record' }] } });
    expect(stored.encounter).toBeUndefined();
    expect(stored.performer).toEqual([expect.objectContaining({ actor: { reference: `Organization/${ORG}` } })]);
    expect(sim.encounters.size).toBe(0);
  });

  test('a patient SATUSEHAT does not know is PATIENT_NOT_FOUND, not retried, until the desk retries after the fix', async () => {
    const [record] = await recordDoses(1);
    const person = await em().findOneOrFail(PersonEntity, { id: record!.personId });
    const nik = vault.decrypt(person.nikEncrypted!);
    sim.unknownPatientNiks.add(nik);
    const w = newWorker();
    await w.processOnce();
    expect(await row(record!.id)).toMatchObject({ status: 'FAILED', problem: 'PATIENT_NOT_FOUND' });
    await w.processOnce();
    await w.processOnce();
    expect(sim.received.filter((r) => r.path === '/Patient')).toHaveLength(1); // no endless retry
    sim.unknownPatientNiks.delete(nik); // registered in the master patient index meanwhile
    const { rows } = await retryDelivery(em(), worker, record!.id, 'SATUSEHAT');
    expect(rows.find((r) => r.target === 'SATUSEHAT')).toMatchObject({ status: 'PENDING', problem: null });
    await runUntilSettled(w);
    expect(await row(record!.id)).toMatchObject({ status: 'DELIVERED', problem: null });
  });

  test('a health worker without a registered NIK is PRACTITIONER_NOT_FOUND; registering the NIK sends the records again', async () => {
    const [record] = await recordDoses(1, { role: 'health-worker', sub: 'hw-new', facilityId: MIROTO });
    const w = newWorker();
    await w.processOnce();
    expect(await row(record!.id)).toMatchObject({ status: 'FAILED', problem: 'PRACTITIONER_NOT_FOUND' });
    expect(sim.immunizations.size).toBe(0);
    const nik = makeNik('337401', '1990-02-02', 'MALE', 77);
    sim.unknownPractitionerNiks.add(nik);
    expect(await registerPractitionerNik(em(), admin, vault, 'hw-new', nik)).toEqual({
      accountId: 'hw-new',
      ihsId: null,
      lookedUpAt: null,
    });
    expect(await row(record!.id)).toMatchObject({ status: 'PENDING' });
    await w.processOnce();
    expect(await row(record!.id)).toMatchObject({ status: 'FAILED', problem: 'PRACTITIONER_NOT_FOUND' });
    sim.unknownPractitionerNiks.delete(nik);
    await retryDelivery(em(), admin, record!.id, null);
    await runUntilSettled(w);
    expect(await row(record!.id)).toMatchObject({ status: 'DELIVERED' });
  });

  test('a product without a confirmed KFA code is refused before anything is sent (PRODUCT_CODE_UNCONFIRMED)', async () => {
    const [record] = await recordDoses(1);
    const w = newWorker({ SATUSEHAT_KFA_CODES: '' }); // the catalogue alone: no product's code is confirmed
    await w.processOnce();
    expect(await row(record!.id)).toMatchObject({ status: 'FAILED', problem: 'PRODUCT_CODE_UNCONFIRMED' });
    expect(sim.received.filter((r) => r.path.startsWith('/Immunization') || r.path.startsWith('/Encounter'))).toHaveLength(0);
  });

  test("the health office's backlog counts what has not arrived by target, facility and reason; filters narrow it", async () => {
    const before = Date.now();
    await recordDoses(2);
    await newWorker({ SATUSEHAT_KFA_CODES: '' }).processOnce(); // SATUSEHAT refuses both; PCare's rows wait (no PCare worker here)
    const groups = await deliveryBacklog(em(), admin, {});
    expect(groups.map((g) => ({ ...g, oldest: undefined }))).toEqual([
      { target: 'PCARE', facilityId: MIROTO, status: 'PENDING', reason: 'QUEUED', records: 2 },
      { target: 'SATUSEHAT', facilityId: MIROTO, status: 'FAILED', reason: 'PRODUCT_CODE_UNCONFIRMED', records: 2 },
    ]);
    for (const g of groups) expect(g.oldest.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect((await deliveryBacklog(em(), admin, { target: 'SATUSEHAT' })).map((g) => g.reason)).toEqual(['PRODUCT_CODE_UNCONFIRMED']);
    expect((await deliveryBacklog(em(), admin, { reason: 'QUEUED' })).map((g) => g.target)).toEqual(['PCARE']);
    expect(await deliveryBacklog(em(), admin, { facilityId: LOC })).toEqual([]);
    await expect(deliveryBacklog(em(), admin, { facilityId: 'not-an-id' })).rejects.toMatchObject({
      extensions: expect.objectContaining({ field: 'facilityId' }),
    });
    await expect(deliveryBacklog(em(), worker, {})).rejects.toMatchObject({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) });
  });

  test('a dose given here without the lot expiry is EXPIRATION_DATE_MISSING; a facility without ids FACILITY_NOT_REGISTERED until registered', async () => {
    const [first] = await recordDoses(1);
    await em().execute(`update dose_record set expiration_date = null where id = ?`, [first!.id]);
    await em().execute(`delete from satusehat_facility`);
    const w = newWorker();
    await w.processOnce();
    expect(await row(first!.id)).toMatchObject({ status: 'FAILED', problem: 'FACILITY_NOT_REGISTERED' });
    await em().transactional((tx) =>
      rememberFacilityIds(tx, { facilityId: MIROTO, satusehatOrganizationId: ORG, satusehatLocationId: LOC }),
    );
    expect(await row(first!.id)).toMatchObject({ status: 'PENDING' });
    await w.processOnce();
    expect(await row(first!.id)).toMatchObject({ status: 'FAILED', problem: 'EXPIRATION_DATE_MISSING' });
  });

  test('OAuth2: a refused secret is retried with back-off, an expired token is renewed once, secrets come from configuration', async () => {
    const [record] = await recordDoses(1);
    const wrong = newWorker({ SATUSEHAT_CLIENT_SECRET: 'not-the-secret' });
    await wrong.processOnce();
    expect(await row(record!.id)).toMatchObject({ status: 'PENDING', last_error: 'SATUSEHAT token refused (401)' });
    forgetSatusehatTokens();
    const w = newWorker();
    sim.next(1, { kind: 'expire-token' });
    await em().execute(`update national_delivery set next_attempt_at = now()`);
    await runUntilSettled(w);
    expect(await row(record!.id)).toMatchObject({ status: 'DELIVERED' });
    expect(sim.tokensIssued).toBe(2);
    const tokenCalls = sim.received.filter((r) => r.path === '/oauth2/v1/accesstoken');
    expect(tokenCalls.map((c) => c.outcome)).toEqual(['401', '200', '200']);
  });

  test('a rejected record is FAILED REJECTED with the reason; a correction sends it again', async () => {
    const [record] = await recordDoses(1);
    sim.nextMatching(1, { method: 'POST', path: '/Immunization' }, { kind: 'reject', message: 'lotNumber unknown to KFA' });
    const w = newWorker();
    await w.processOnce();
    expect(await row(record!.id)).toMatchObject({
      status: 'FAILED',
      problem: 'REJECTED',
      last_error: 'SATUSEHAT 400: lotNumber unknown to KFA',
    });
    await w.processOnce(); // failed rows are not retried by themselves
    expect(await states()).toEqual({ FAILED: 1 });
    // Corrected by the vaccinator who gave it (the performer SATUSEHAT is told of).
    const corrected = await new DoseService(em(), worker).correctDose({
      doseRecordId: record!.id,
      reason: 'lot number typo',
      replacement: dose(record!.personId, 0, { lotNumber: 'LOT-FIXED' }),
    });
    await runUntilSettled(w);
    const stored = ours(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lotNumber).toBe('LOT-FIXED');
    expect(corrected.replacement!.dedupeKey).toBe(record!.dedupeKey);
  });

  test('a correction after delivery updates the national resource in place; a void marks it entered-in-error', async () => {
    const [record] = await recordDoses(1);
    const w = newWorker();
    await runUntilSettled(w);
    const { replacement } = await new DoseService(em(), worker).correctDose({
      doseRecordId: record!.id,
      reason: 'wrong time',
      replacement: dose(record!.personId, 0, { administeredAt: '2026-01-05T06:00:00Z' }),
    });
    await runUntilSettled(w);
    let stored = ours(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ occurrenceDateTime: '2026-01-05T06:00:00+00:00', status: 'completed', meta: { versionId: '2' } });
    await new DoseService(em(), worker).correctDose({ doseRecordId: replacement!.id, reason: 'recorded for the wrong person' });
    await runUntilSettled(w);
    stored = ours(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe('entered-in-error');
  });

  test('two workers at once still deliver each record once', async () => {
    const records = await recordDoses(10);
    sim.setMode({ kind: 'slow', delayMs: 20 });
    await Promise.all([runUntilSettled(newWorker({ SATUSEHAT_BATCH: '3' })), runUntilSettled(newWorker({ SATUSEHAT_BATCH: '3' }))]);
    expectExactlyOnce(records);
  });

  test('retries back off exponentially, with jitter, up to the cap', () => {
    const w = newWorker({ SATUSEHAT_RETRY_BASE_MS: '1000', SATUSEHAT_RETRY_MAX_MS: '60000' });
    for (const [attempts, ceiling] of [
      [1, 1000],
      [2, 2000],
      [4, 8000],
      [7, 60000],
      [30, 60000],
    ] as const) {
      const d = w.backoffMs(attempts);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });

  describe('the simulator refuses what SATUSEHAT refuses', () => {
    let valid: FhirResource;
    let token: string;
    beforeEach(async () => {
      const [record] = await recordDoses(1);
      await runUntilSettled(newWorker());
      valid = structuredClone(ours(record!.dedupeKey)[0]!);
      delete valid.id;
      delete valid.meta;
      valid.identifier = [{ system: `http://sys-ids.kemkes.go.id/immunization/${ORG}`, value: 'another-dose' }];
      const res = await fetch(`${sim.authUrl}/accesstoken?grant_type=client_credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'victori-dev', client_secret: 'victori-dev-secret' }).toString(),
      });
      token = ((await res.json()) as { access_token: string }).access_token;
    });
    const post = async (body: unknown, auth = true) =>
      fetch(`${sim.url}/Immunization`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    test('the valid payload is stored', async () => {
      expect((await post(valid)).status).toBe(201);
    });

    test.each<[string, (r: Record<string, unknown>) => void, string]>([
      [
        'fractional seconds in occurrenceDateTime (the old payload)',
        (r) => (r.occurrenceDateTime = '2026-01-05T03:00:00.000Z'),
        'YYYY-MM-DDThh:mm:ss+00:00',
      ],
      ['no KFA product coding', (r) => (r.vaccineCode = { coding: [{ system: CVX_SYSTEM, code: '208' }] }), 'KFA product code'],
      ['a KFA code unknown to KFA', (r) => (r.vaccineCode = { coding: [{ system: KFA_SYSTEM, code: '93000000' }] }), 'not a known product'],
      [
        'our own identifier system',
        (r) => (r.identifier = [{ system: 'https://victori.semarangkota.go.id/fhir/sid/immunization', value: 'x' }]),
        'identifier.system',
      ],
      [
        'a performer that is no IHS Practitioner',
        (r) => (r.performer = [{ actor: { reference: 'Practitioner/health-worker-dev' } }]),
        'Practitioner',
      ],
      ['our facility uuid as Location', (r) => (r.location = { reference: `Location/${MIROTO}` }), 'registered SATUSEHAT Location'],
      ['no Encounter', (r) => delete r.encounter, 'Encounter'],
      ['no expirationDate', (r) => delete r.expirationDate, 'expirationDate'],
      ['primarySource false without reportOrigin', (r) => (r.primarySource = false), 'reportOrigin'],
      [
        'IM-Ideal in the reason code system',
        (r) => (r.reasonCode = [{ coding: [{ system: REASON_SYSTEM, code: 'IM-Ideal' }] }]),
        'IM-Ideal',
      ],
      [
        'a route outside the ATC/DDD route codes',
        (r) => (r.route = { coding: [{ system: 'http://snomed.info/sct', code: '78421000' }] }),
        'route',
      ],
      ['a dose quantity that is not a number (FHIR schema)', (r) => (r.doseQuantity = { value: '0.3', unit: 'mL' }), 'FHIR R4 schema'],
      ['an element FHIR R4 does not have (FHIR schema)', (r) => (r.vaccine = 'x'), 'FHIR R4 schema'],
    ])('%s: 400 with an OperationOutcome', async (_name, spoil, says) => {
      const body = structuredClone(valid) as Record<string, unknown>;
      spoil(body);
      const res = await post(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { resourceType: string; issue: { severity: string; code: string; details: { text: string } }[] };
      expect(answer.resourceType).toBe('OperationOutcome');
      expect(answer.issue.map((i) => i.details.text).join(' | ')).toContain(says);
    });

    test('without a token: 401 as Apigee answers', async () => {
      const res = await post(valid, false);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } },
      });
    });
  });
});

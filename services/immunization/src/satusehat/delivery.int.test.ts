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
import { DeliveryWorker } from './delivery.worker.js';
import { startSatusehatSimulator, type SatusehatSimulator, type SimulatorMode } from './simulator.js';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const worker: Claims = { role: 'health-worker', sub: 'hw-1', facilityId: MIROTO };

describe('delivery to SATUSEHAT survives outages and delivers every record exactly once', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: MikroORM;
  let sim: SatusehatSimulator;
  const vault = new PiiVault(randomBytes(32).toString('hex'));
  let serial = 1;

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
    sim.setMode({ kind: 'ok' });
    sim.immunizations.clear();
    sim.received.length = 0;
    await orm.em.fork().execute(`truncate national_delivery, dose_record, person, outbox`);
  });

  const newWorker = (overrides: Record<string, string> = {}) =>
    new DeliveryWorker(
      orm,
      vault,
      loadImmunizationSettings(
        new Env({
          SATUSEHAT_BASE_URL: sim.url,
          SATUSEHAT_TIMEOUT_MS: '150',
          SATUSEHAT_RETRY_BASE_MS: '5',
          SATUSEHAT_RETRY_MAX_MS: '40',
          SATUSEHAT_LEASE_MS: '1000',
          ...overrides,
        }),
      ),
      createLogger('test', 'silent'),
    );

  /** Registers `n` adults and records their first COVID-19 dose. */
  async function recordDoses(n: number): Promise<DoseRecordEntity[]> {
    const records: DoseRecordEntity[] = [];
    for (let i = 0; i < n; i++) {
      const nik = makeNik('337401', '1980-06-15', 'MALE', serial++);
      const person = await new PersonService(orm.em.fork() as EntityManager, vault, worker).registerPerson({
        nik,
        fullName: `Warga ${i}`,
        birthDate: '1980-06-15',
        sex: 'MALE',
        residenceKelurahanCode: '33.74.01.1001',
      });
      records.push(
        await new DoseService(orm.em.fork() as EntityManager, worker).recordDose(
          {
            personId: person.id,
            programme: 'COVID19',
            doseKind: 'PRIMARY_1',
            productCode: 'PFIZER',
            lotNumber: `LOT-${i}`,
            administeredAt: '2026-01-05T03:00:00Z',
          },
          // The health worker registered the person at their own facility (the policy's decision, src/policy.ts).
          async () => ({ facilityId: worker.facilityId!, offScheduleReason: null }),
        ),
      );
    }
    return records;
  }

  async function states(): Promise<Record<string, number>> {
    const rows = await orm.em
      .fork()
      .execute<{ status: string; n: string }[]>(`select status, count(*) as n from national_delivery group by status`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Runs the worker until nothing is pending (bounded). */
  async function runUntilDelivered(w: DeliveryWorker, limitMs = 30_000): Promise<void> {
    const until = Date.now() + limitMs;
    while (Date.now() < until) {
      await w.processOnce();
      const s = await states();
      if (!s.PENDING) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`still pending after ${limitMs} ms: ${JSON.stringify(await states())}`);
  }

  function expectExactlyOnce(records: DoseRecordEntity[]): void {
    for (const r of records) expect(sim.byIdentifier(r.dedupeKey)).toHaveLength(1);
    expect(sim.immunizations.size).toBe(records.length);
  }

  test.each<[string, SimulatorMode, number]>([
    ['no outage', { kind: 'fail' }, 0],
    ['a short outage (503, 50 ms)', { kind: 'fail' }, 50],
    ['a long outage (503, 600 ms ≈ many retries)', { kind: 'fail' }, 600],
    ['the endpoint hangs (timeouts, 400 ms)', { kind: 'timeout' }, 400],
    ['it stores the resource but the answer is lost (400 ms)', { kind: 'store-then-hang' }, 400],
    ['it is slow (latency above the timeout, 300 ms)', { kind: 'slow', delayMs: 400 }, 300],
  ])('%s: every record ends DELIVERED, exactly once', async (_name, mode, outageMs) => {
    const records = await recordDoses(8);
    expect(await states()).toEqual({ PENDING: 8 });
    const w = newWorker();
    if (outageMs > 0) {
      sim.setMode(mode);
      const until = Date.now() + outageMs;
      while (Date.now() < until) {
        await w.processOnce();
        await new Promise((r) => setTimeout(r, 5));
      }
      const during = await orm.em
        .fork()
        .execute<{ attempts: number; last_error: string | null; status: string }[]>(
          `select attempts, last_error, status from national_delivery`,
        );
      expect(during.every((d) => d.status === 'PENDING' && d.last_error && d.attempts >= 1)).toBe(true);
      sim.setMode({ kind: 'ok' });
    }
    await runUntilDelivered(w);
    expect(await states()).toEqual({ DELIVERED: 8 });
    expectExactlyOnce(records);
    if (mode.kind === 'store-then-hang' && outageMs > 0) {
      // The simulator really did receive repeated creates: only the conditional create kept them single.
      expect(sim.received.filter((r) => r.method === 'POST').length).toBeGreaterThan(8);
    }
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

  test('two workers at once still deliver each record once', async () => {
    const records = await recordDoses(12);
    sim.setMode({ kind: 'slow', delayMs: 30 });
    await Promise.all([runUntilDelivered(newWorker({ SATUSEHAT_BATCH: '3' })), runUntilDelivered(newWorker({ SATUSEHAT_BATCH: '3' }))]);
    expectExactlyOnce(records);
  });

  test('a rejected record is FAILED with the reason; a correction sends it again', async () => {
    const [record] = await recordDoses(1);
    // The patient is already known, so the create itself is what SATUSEHAT rejects.
    await orm.em.fork().execute(`update person set ihs_number = 'P100000001'`);
    sim.next(1, { kind: 'reject', message: 'lotNumber unknown to KFA' });
    const w = newWorker();
    await w.processOnce();
    const [row] = await orm.em.fork().execute<{ status: string; last_error: string }[]>(`select status, last_error from national_delivery`);
    expect(row).toEqual({ status: 'FAILED', last_error: 'SATUSEHAT 400: lotNumber unknown to KFA' });
    await w.processOnce(); // failed rows are not retried by themselves
    expect(await states()).toEqual({ FAILED: 1 });
    const admin: Claims = { role: 'admin', sub: 'admin-1' };
    const corrected = await new DoseService(orm.em.fork() as EntityManager, admin).correctDose({
      doseRecordId: record!.id,
      reason: 'lot number typo',
      replacement: {
        personId: record!.personId,
        programme: 'COVID19',
        doseKind: 'PRIMARY_1',
        productCode: 'PFIZER',
        lotNumber: 'LOT-FIXED',
        administeredAt: '2026-01-05T03:00:00Z',
      },
    });
    await runUntilDelivered(w);
    const stored = sim.byIdentifier(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lotNumber).toBe('LOT-FIXED');
    expect(corrected.replacement!.dedupeKey).toBe(record!.dedupeKey);
  });

  test('a correction after delivery updates the national resource in place; a void marks it entered-in-error', async () => {
    const [record] = await recordDoses(1);
    const w = newWorker();
    await runUntilDelivered(w);
    const admin: Claims = { role: 'admin', sub: 'admin-1' };
    const { replacement } = await new DoseService(orm.em.fork() as EntityManager, admin).correctDose({
      doseRecordId: record!.id,
      reason: 'wrong time',
      replacement: {
        personId: record!.personId,
        programme: 'COVID19',
        doseKind: 'PRIMARY_1',
        productCode: 'PFIZER',
        lotNumber: 'LOT-0',
        administeredAt: '2026-01-05T06:00:00Z',
      },
    });
    await runUntilDelivered(w);
    let stored = sim.byIdentifier(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ occurrenceDateTime: '2026-01-05T06:00:00.000Z', status: 'completed', meta: { versionId: '2' } });
    expect(sim.received.filter((r) => r.method === 'PUT')).toHaveLength(1);
    await new DoseService(orm.em.fork() as EntityManager, admin).correctDose({
      doseRecordId: replacement!.id,
      reason: 'recorded for the wrong person',
    });
    await runUntilDelivered(w);
    stored = sim.byIdentifier(record!.dedupeKey);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe('entered-in-error');
  });

  test('the patient is looked up once by NIK and the IHS number is kept', async () => {
    await recordDoses(2);
    await runUntilDelivered(newWorker());
    const people = await orm.em.fork().execute<{ ihs_number: string | null }[]>(`select ihs_number from person`);
    expect(people.every((p) => p.ihs_number?.startsWith('P'))).toBe(true);
    const patientSearches = sim.received.filter((r) => r.path === '/Patient');
    expect(patientSearches).toHaveLength(2);
    const resource = [...sim.immunizations.values()][0]!;
    expect((resource.patient as { reference: string; identifier: { system: string } }).identifier.system).toBe(
      'https://fhir.kemkes.go.id/id/nik',
    );
    expect(resource.reasonCode).toEqual([
      {
        coding: [
          { system: 'http://terminology.kemkes.go.id/CodeSystem/immunization-reason', code: 'IM-Program', display: 'Imunisasi Program' },
        ],
      },
    ]);
  });
});

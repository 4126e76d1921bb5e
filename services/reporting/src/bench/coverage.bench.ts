/**
 * City-scale benchmark of the coverage projection (not a test):
 *   npx tsc -b services/reporting && node services/reporting/dist/bench/coverage.bench.js
 * Loads 1.7 million people and 5 million dose records into the projection with bulk SQL, builds the
 * per-kelurahan aggregates, then measures (1) the kecamatan-level coverage query (p50/p95, admin and
 * suppressed partner views, today and as of a past day) and (2) how many dose events per second the
 * consumer applies in a burst. BENCH_DATABASE_URL (an admin URL) uses an existing server; otherwise
 * an embedded PostgreSQL is started in a temporary directory. BENCH_PEOPLE / BENCH_DOSES / BENCH_EVENTS
 * scale it down for a quick run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  createLogger,
  dropDatabase,
  DoseRecorded,
  ensureDatabase,
  Env,
  EventConsumer,
  initOrm,
  migrateBus,
  migrateService,
  PgLogTransport,
  startEmbeddedPostgres,
  withEvents,
  type BaseContext,
  type DoseRecordPayload,
  type ServiceDefinition,
} from '@victori/shared';
import { loadReportingSettings } from '../config.js';
import { coverageConsumer } from '../events/coverage.consumer.js';
import { areaIndex } from '../modules/area/area.tree.js';
import { coverageTable } from '../modules/coverage/coverage.table.js';
import { reportingService } from '../service.js';

const env = new Env();
const settings = loadReportingSettings(env);
const PEOPLE = env.int('BENCH_PEOPLE', 1_700_000, 1000);
const DOSES = env.int('BENCH_DOSES', 5_000_000, 1000);
const EVENTS = env.int('BENCH_EVENTS', 20_000, 100);
const QUERIES = 200;

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  let adminUrl = env.optional('BENCH_DATABASE_URL');
  let stopPg: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'victori-bench-pg-')), 'pg');
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = pg.adminUrl;
    stopPg = () => pg.stop();
    log(`embedded PostgreSQL started (${dataDir})`);
  }
  const name = `bench_reporting_${Date.now()}`;
  const url = await ensureDatabase(adminUrl, name);
  const busUrl = await ensureDatabase(adminUrl, `${name}_bus`);
  await migrateBus(busUrl);
  await migrateService(reportingService as unknown as ServiceDefinition<BaseContext>, url, true);
  const orm = await initOrm({
    databaseUrl: url,
    entities: reportingService.entities,
    migrations: withEvents(reportingService.migrations),
    poolSize: 4,
  });
  const transport = new PgLogTransport(busUrl);
  try {
    const em = orm.em.fork();
    const kelurahan = areaIndex().kelurahanUnder(areaIndex().cityCode);
    const kinds = ['PRIMARY_1', 'PRIMARY_2', 'BOOSTER_1', 'BOOSTER_2'];

    // 1. Bulk load: person n % PEOPLE gets the ((n / PEOPLE) + 1)-th COVID-19 dose; every 97th record is invalid.
    let t0 = performance.now();
    await em.execute(`set synchronous_commit = off`);
    await em.execute(`set maintenance_work_mem = '512MB'`);
    await em.execute(`set work_mem = '256MB'`);
    await em.execute(`alter table dose_fact drop constraint dose_fact_pkey`);
    await em.execute(`drop index dose_fact_person_kind`);
    await em.execute(
      `insert into dose_fact (dose_record_id, person_id, programme, dose_kind, administered_at, administered_on, valid, active, kelurahan_code)
       select ('10000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
              ('20000000-0000-4000-8000-' || lpad(to_hex(n % ?), 12, '0'))::uuid,
              'COVID19', (?::varchar[])[(1 + least(n / ?, 3))::int],
              at, (at at time zone 'Asia/Jakarta')::date, n % 97 <> 0, true, (?::varchar[])[(1 + (n % ?) % ?)::int]
         from (select n, timestamptz '2021-03-01 02:00+00' + ((n / ?) * interval '120 days') + ((n * 7919) % 365) * interval '1 day' as at
                 from generate_series(0::bigint, ?::bigint - 1) n) g`,
      [PEOPLE, `{${kinds.join(',')}}`, PEOPLE, `{${kelurahan.map((k) => `"${k}"`).join(',')}}`, PEOPLE, kelurahan.length, PEOPLE, DOSES],
    );
    log(`loaded ${DOSES.toLocaleString('en')} dose records of ${PEOPLE.toLocaleString('en')} people in ${seconds(t0)} s`);
    t0 = performance.now();
    await em.execute(`alter table dose_fact add primary key (dose_record_id)`);
    await em.execute(`create index dose_fact_person_kind on dose_fact (person_id, programme, dose_kind)`);
    log(`indexed in ${seconds(t0)} s`);
    t0 = performance.now();
    // The aggregates, computed once the way the consumer maintains them (first valid active record per person and kind).
    await em.execute(
      `insert into coverage_daily (programme, dose_kind, kelurahan_code, day, people)
       select programme, dose_kind, kelurahan_code, administered_on, count(*) from (
         select distinct on (person_id, programme, dose_kind) programme, dose_kind, kelurahan_code, administered_on
           from dose_fact where active and valid order by person_id, programme, dose_kind, administered_at, dose_record_id) f
       group by 1, 2, 3, 4`,
    );
    await em.execute(
      `insert into coverage_total (programme, dose_kind, kelurahan_code, people)
       select programme, dose_kind, kelurahan_code, sum(people) from coverage_daily group by 1, 2, 3`,
    );
    await em.execute(`vacuum analyze dose_fact`);
    await em.execute(`vacuum analyze coverage_daily`);
    await em.execute(`vacuum analyze coverage_total`);
    const [counts] = await em.execute<{ daily: string; total: string; people: string }[]>(
      `select (select count(*) from coverage_daily) as daily, (select count(*) from coverage_total) as total,
              (select sum(people) from coverage_total where dose_kind = 'BOOSTER_1') as people`,
    );
    log(`aggregates built in ${seconds(t0)} s: ${counts!.daily} daily rows, ${counts!.total} total rows, ${counts!.people} people boosted`);

    // 2. Kecamatan-level coverage query latency.
    const measure = async (label: string, run: () => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      log(
        `${label}: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms (${QUERIES} queries)`,
      );
    };
    const args = { programme: 'COVID19', dose: 'BOOSTER_1', level: 'KECAMATAN' as const };
    await measure('coverage KECAMATAN, admin, today', () => coverageTable(orm.em.fork(), settings, args, null));
    await measure('coverage KECAMATAN, partner (suppressed), today', () => coverageTable(orm.em.fork(), settings, args, { threshold: 5 }));
    await measure('coverage KECAMATAN, admin, asOf 2022-06-30', () =>
      coverageTable(orm.em.fork(), settings, { ...args, asOf: '2022-06-30' }, null),
    );
    await measure('coverage KELURAHAN (177 rows), partner, today', () =>
      coverageTable(orm.em.fork(), settings, { ...args, level: 'KELURAHAN' }, { threshold: 5 }),
    );

    // 3. Consumer throughput: a burst of dose events (new boosters of existing people, and new people) on top of 5M records.
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const existing = i % 2 === 0;
      const personId = existing ? `20000000-0000-4000-8000-${((i * 37) % PEOPLE).toString(16).padStart(12, '0')}` : randomUUID();
      const payload: DoseRecordPayload = {
        doseRecordId: randomUUID(),
        personId,
        nikHash: null,
        programme: 'COVID19',
        doseKind: existing ? 'BOOSTER_2' : 'PRIMARY_1',
        antigen: 'COVID19',
        doseNumber: 1,
        productCode: 'PFIZER',
        lotNumber: 'L1',
        facilityId: '6f1c2a10-0000-4000-8000-000000000002',
        administeredAt: new Date(Date.parse('2024-01-01T02:00:00Z') + i * 1000).toISOString(),
        appointmentId: null,
        slipCode: null,
        valid: true,
        residenceKelurahanCode: kelurahan[i % kelurahan.length]!,
        birthDate: '1980-01-01',
        sex: 'MALE',
      };
      return createEnvelope(DoseRecorded, 'immunization', personId, payload);
    });
    t0 = performance.now();
    for (let i = 0; i < events.length; i += 1000) await transport.append(events.slice(i, i + 1000));
    log(`appended ${EVENTS.toLocaleString('en')} dose.recorded events to the bus in ${seconds(t0)} s`);
    const consumer = new EventConsumer(orm, transport, createLogger('bench', 'silent'), coverageConsumer(settings), { batchSize: 500 });
    t0 = performance.now();
    const applied = await consumer.drain();
    const elapsed = (performance.now() - t0) / 1000;
    log(
      `projection applied ${applied.toLocaleString('en')} events in ${elapsed.toFixed(1)} s: ${Math.round(applied / elapsed).toLocaleString('en')} events/s`,
    );
    await measure('coverage KECAMATAN, admin, after the burst', () => coverageTable(orm.em.fork(), settings, args, null));
  } finally {
    await transport.close();
    await orm.close(true);
    await dropDatabase(adminUrl, name);
    await dropDatabase(adminUrl, `${name}_bus`);
    await stopPg?.();
    if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

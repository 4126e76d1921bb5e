/**
 * History import benchmark (not a test): generates N rows, imports them into a fresh database and
 * reports rows per second into committed records.
 *   npm run build && node services/immunization/dist/bench/import.bench.js [rows=100000]
 * Uses BENCH_ADMIN_DATABASE_URL (a superuser URL) when set, otherwise an embedded PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabase, Env, initOrm, makeNik, PiiVault, runMain, startEmbeddedPostgres, withEvents } from '@victori/shared';
import { IMPORT_COLUMNS, importDoses } from '../import/import-doses.js';
import { migrations } from '../migrations/index.js';
import { AdverseEventEntity } from '../modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { GuardianEntity } from '../modules/guardian/guardian.entity.js';
import { PersonEntity } from '../modules/person/person.entity.js';

const DISTRICTS = ['337401', '337402', '337403', '337404', '337405', '337406', '337407', '337408', '337409', '337410'];
const FACILITIES = ['PKM-MIROTO', 'PKM-BANDARHARJO', 'PKM-BUGANGAN'];
const KELURAHAN = ['33.74.01.1001', '33.74.02.1001', '33.74.03.1006'];

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

/** Two doses per person (primary 1 and 2, four weeks apart): rows/2 people. */
async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`${IMPORT_COLUMNS.join(',')}\n`);
  for (let i = 0; i < rows / 2; i++) {
    const year = 1950 + (i % 50);
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    const birth = `${year}-${month}-${day}`;
    const sex = i % 2 ? 'FEMALE' : 'MALE';
    const nik = makeNik(DISTRICTS[i % DISTRICTS.length]!, birth, sex, Math.floor(i / 600) + 1);
    const fac = FACILITIES[i % FACILITIES.length];
    const kel = KELURAHAN[i % KELURAHAN.length];
    await write(`b${i}-1,${nik},Warga ${i},${birth},${sex},${kel},COVID19,PRIMARY_1,CORONAVAC,SV${i % 97},2021-07-01T02:00:00Z,${fac}\n`);
    await write(`b${i}-2,${nik},Warga ${i},${birth},${sex},${kel},COVID19,PRIMARY_2,CORONAVAC,SV${i % 89},2021-07-29T02:00:00Z,${fac}\n`);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/**
 * CPU seconds used so far by the embedded PostgreSQL: the postmaster, its live children and the
 * children it has reaped (backends that ended). Linux only; undefined elsewhere.
 */
function postgresCpuSeconds(dataDir: string): number | undefined {
  try {
    const pid = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    const stat = (p: string) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = (f: string[], reaped: boolean) => Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0); // utime stime [cutime cstime]
    let total = ticks(stat(pid), true);
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && d !== pid)) {
      try {
        const f = stat(p);
        if (f[1] === pid) total += ticks(f, false);
      } catch {
        // the process ended meanwhile
      }
    }
    return total / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

runMain(async () => {
  const env = new Env();
  const rows = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'victori-import-bench-'));
  let adminUrl = env.optional('BENCH_ADMIN_DATABASE_URL');
  const pg = adminUrl ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  adminUrl ??= pg!.adminUrl;
  const name = `bench_import_${randomBytes(3).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  const orm = await initOrm({
    databaseUrl: url,
    entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
    migrations: withEvents(migrations),
    poolSize: 4,
  });
  try {
    await orm.migrator.up();
    const file = path.join(dir, 'doses.csv');
    await generate(file, rows);
    const heapBefore = process.memoryUsage().heapUsed;
    const cpuBefore = process.cpuUsage();
    // Bounded memory: sample the peak while importing (compare a small and a large file).
    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const pgDir = path.join(dir, 'pg');
    const pgCpuBefore = pg ? postgresCpuSeconds(pgDir) : undefined;
    const report = await importDoses(url, new PiiVault(randomBytes(32).toString('hex')), file, {
      batchSize: process.env.IMPORT_BATCH ? Number(process.env.IMPORT_BATCH) : undefined,
      concurrency: process.env.IMPORT_CONCURRENCY ? Number(process.env.IMPORT_CONCURRENCY) : undefined,
    });
    clearInterval(sampler);
    const nodeCpu = process.cpuUsage(cpuBefore);
    const pgCpuAfter = pg ? postgresCpuSeconds(pgDir) : undefined;
    const [committed] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from dose_record`);
    const perSecond = Math.round((Number(committed!.n) / report.elapsedMs) * 1000);
    process.stdout.write(
      `${JSON.stringify({
        rows,
        ...report,
        committed: Number(committed!.n),
        rowsPerSecond: perSecond,
        heapGrowthMb: Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e6),
        peakRssMb: Math.round(peakRss / 2 ** 20),
        peakHeapMb: Math.round(peakHeap / 2 ** 20),
        importerCpuSeconds: (nodeCpu.user + nodeCpu.system) / 1e6,
        postgresCpuSeconds:
          pgCpuAfter !== undefined && pgCpuBefore !== undefined ? Math.round((pgCpuAfter - pgCpuBefore) * 100) / 100 : null,
      })}\n`,
    );
    process.stdout.write(`import: ${committed!.n} committed records in ${report.elapsedMs} ms = ${perSecond} rows/s (target >= 20000)\n`);
  } finally {
    await orm.close(true);
    await dropDatabase(adminUrl, name);
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

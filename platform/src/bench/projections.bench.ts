import { createWriteStream } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Env, loadServiceConfig, makeNik, runServiceCommand } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { SERVICE_DEFINITIONS } from '../services.js';
import { progress, type BenchContext } from './scenario.js';

/** The consumers a dose history import feeds, by service, with the event types each takes. */
const CONSUMERS = [
  { service: 'reporting', consumer: 'reporting.coverage', types: ['dose.recorded', 'person.registered'] },
  { service: 'inventory', consumer: 'inventory.administrations', types: ['dose.recorded'] },
  { service: 'booking', consumer: 'booking.doses', types: ['dose.recorded'] },
  { service: 'booking', consumer: 'booking.registry', types: ['person.registered'] },
] as const;

const DOSE_KINDS = ['PRIMARY_1', 'PRIMARY_2', 'BOOSTER_1'] as const;
const DISTRICTS = ['337401', '337402', '337403', '337404', '337405', '337406', '337407', '337408', '337409', '337410'];
const FACILITIES = ['PKM-MIROTO', 'PKM-BANDARHARJO', 'PKM-BUGANGAN'];
const KELURAHAN = ['33.74.01.1001', '33.74.02.1001', '33.74.03.1006'];

export interface ConsumerCatchUp {
  consumer: string;
  /** Events of the consumer's types the import published. */
  events: number;
  /** Seconds from the import's start until the consumer had applied all of them. */
  caughtUpSeconds: number | null;
  /**
   * Events applied per second while the consumer had a backlog (some of its events were on the bus and
   * not yet applied): its throughput on bulk batches, not the rate the import offered.
   */
  eventsPerSecond: number | null;
  /** Seconds it had such a backlog. */
  busySeconds: number;
}

/**
 * From the consumer's sampled positions: over each interval that began with a backlog (an event of
 * its types appended by then and not yet applied), the events of its types it applied, and the time.
 */
async function busyRate(
  bus: string,
  types: readonly string[],
  startHead: number,
  samples: { t: number; p: number }[],
): Promise<{ eventsPerSecond: number | null; busySeconds: number }> {
  const pairs = samples
    .slice(1)
    .map((s, i) => ({ t0: samples[i]!.t, p0: Math.max(samples[i]!.p, startHead), t1: s.t, p1: Math.max(s.p, startHead) }));
  if (pairs.length === 0) return { eventsPerSecond: null, busySeconds: 0 };
  const rows = await query<{ backlog: string; applied: string; dt: number }>(
    bus,
    `select (select count(*) from bus_event b where b.type = any($1::varchar[]) and b.position > s.p0 and b.appended_at <= to_timestamp(s.t0 / 1000.0)) as backlog,
            (select count(*) from bus_event b where b.type = any($1::varchar[]) and b.position > s.p0 and b.position <= s.p1) as applied,
            (s.t1 - s.t0) / 1000.0 as dt
       from unnest($2::float8[], $3::bigint[], $4::float8[], $5::bigint[]) as s(t0, p0, t1, p1)`,
    [types, pairs.map((x) => x.t0), pairs.map((x) => x.p0), pairs.map((x) => x.t1), pairs.map((x) => x.p1)],
  );
  let applied = 0;
  let busy = 0;
  for (const r of rows) {
    if (Number(r.backlog) === 0) continue;
    applied += Number(r.applied);
    busy += Number(r.dt);
  }
  return { eventsPerSecond: busy > 0 ? applied / busy : null, busySeconds: busy };
}

export interface ProjectionsResult {
  records: number;
  people: number;
  events: number;
  importSeconds: number;
  /** From the import's start until the relay had put its last event on the bus. */
  relayDoneSeconds: number | null;
  /** From the import's start until reporting's coverage query counts every imported person for every dose. */
  coverageCompleteSeconds: number | null;
  /** coverageCompleteSeconds ÷ importSeconds (target ≤ 1.5). */
  ratio: number | null;
  consumers: ConsumerCatchUp[];
}

/** Three COVID-19 doses per person (primary 1 and 2, a booster): records/3 people, records + people events. */
async function generate(file: string, records: number): Promise<number> {
  const people = Math.floor(records / 3);
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(
    'record_id,nik,full_name,birth_date,sex,residence_kelurahan_code,programme,dose,product_code,lot_number,administered_at,facility_code\n',
  );
  const when = ['2021-07-01T02:00:00Z', '2021-07-29T02:00:00Z', '2022-03-01T02:00:00Z'];
  for (let i = 0; i < people; i++) {
    const birth = `${1950 + (i % 50)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    const sex = i % 2 ? 'FEMALE' : 'MALE';
    const nik = makeNik(DISTRICTS[i % DISTRICTS.length]!, birth, sex, Math.floor(i / 600) + 1);
    for (const [d, kind] of DOSE_KINDS.entries()) {
      await write(
        `p${i}-${d},${nik},Warga ${i},${birth},${sex},${KELURAHAN[i % KELURAHAN.length]},COVID19,${kind},CORONAVAC,SV${i % 97},${when[d]},${FACILITIES[i % FACILITIES.length]}\n`,
      );
    }
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return people;
}

interface Stats {
  outboxBacklog: number;
  consumers: { consumer: string; position: number; lag: number }[];
}

async function metrics(url: string): Promise<Stats> {
  const m = (await (await fetch(new URL('/metrics.json', url))).json()) as { events?: Partial<Stats> };
  return { outboxBacklog: m.events?.outboxBacklog ?? 0, consumers: m.events?.consumers ?? [] };
}

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Projections after a bulk import: `records` dose records (three per person) imported through the
 * import command (`npm run import -- doses`) into the running platform; the import's own time, the time
 * from its start until reporting's coverage query (through the gateway, as an admin) counts every
 * imported person for every dose, their ratio, and each consumer's events/s over the import's events.
 */
export async function projectionsScenario(ctx: BenchContext, records = 90_000): Promise<ProjectionsResult> {
  const { platform, urls, secrets, admin } = ctx;
  const file = path.join(ctx.work, 'history.csv');
  const people = await generate(file, records);
  const startHead = Number((await query<{ h: string | null }>(urls.bus, 'select max(position) as h from bus_event'))[0]?.h ?? 0);
  const coverage = async (): Promise<number[]> =>
    Promise.all(
      DOSE_KINDS.map(async (dose) => {
        const res = await gql<{ coverage: { isTotal: boolean; achieved: number | null }[] }>(
          platform.gatewayUrl,
          `query($d: String!) { coverage(programme: "COVID19", dose: $d, level: KECAMATAN) { isTotal achieved } }`,
          { d: dose },
          { token: admin },
        );
        return res.data?.coverage.find((r) => r.isTotal)?.achieved ?? 0;
      }),
    );
  const baseline = await coverage();
  progress(`projections: importing ${records} records for ${people} people\n`);

  const started = performance.now();
  const since = (): number => (performance.now() - started) / 1000;
  const wallStart = Date.now();
  /** Per consumer: (wall clock ms, committed position) about four times a second. */
  const samples = new Map<string, { t: number; p: number }[]>(CONSUMERS.map((c) => [c.consumer, []]));
  const caughtUp = new Map<string, number>();
  let importDone = false;
  let expected = undefined as number[] | undefined;
  let coverageAt = null as number | null;
  let stop = false;
  // Watches every consumer (their /metrics.json) and the coverage query while the import runs and after.
  const watch = (async () => {
    let lastCoverageCheck = 0;
    while (!stop) {
      const now = since();
      const stats = new Map<string, Stats>();
      for (const s of ['immunization', 'reporting', 'inventory', 'booking'] as const)
        stats.set(s, await metrics(platform.serviceUrls[s]).catch(() => ({ outboxBacklog: 1, consumers: [] })));
      const backlog = stats.get('immunization')!.outboxBacklog;
      for (const c of CONSUMERS) {
        const s = stats.get(c.service)!.consumers.find((x) => x.consumer === c.consumer);
        if (!s) continue;
        samples.get(c.consumer)!.push({ t: Date.now(), p: s.position });
        if (importDone && backlog === 0 && s.lag === 0 && !caughtUp.has(c.consumer)) caughtUp.set(c.consumer, now);
      }
      if (expected && coverageAt === null && now - lastCoverageCheck >= 0.5) {
        lastCoverageCheck = now;
        const seen = await coverage().catch(() => []);
        if (seen.length === expected.length && seen.every((n, i) => n >= expected![i]!)) coverageAt = since();
      }
      if (coverageAt !== null && caughtUp.size === CONSUMERS.length) break;
      if (now > 1800) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const env = new Env({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    IMMUNIZATION_DATABASE_URL: urls.services.immunization,
    BUS_DATABASE_URL: urls.bus,
    GATEWAY_SECRET: secrets.gatewaySecret,
    PII_KEY: secrets.piiKey,
  });
  await runServiceCommand(SERVICE_DEFINITIONS.immunization, loadServiceConfig('immunization', env), 'import-doses', [file]);
  const importSeconds = since();
  // What the coverage query must show: the baseline plus every person with a valid record of each dose.
  const valid = await query<{ dose_kind: string; n: string }>(
    urls.services.immunization,
    `select dose_kind, count(distinct person_id) as n from dose_record
      where programme = 'COVID19' and valid and status = 'ACTIVE' and import_record_id like 'p%' group by dose_kind`,
  );
  expected = DOSE_KINDS.map((k, i) => baseline[i]! + Number(valid.find((v) => v.dose_kind === k)?.n ?? 0));
  importDone = true;
  progress(`projections: import took ${importSeconds.toFixed(1)} s; waiting for the projections\n`);
  await watch;
  stop = true;

  const counts = await query<{ type: string; n: string }>(
    urls.bus,
    `select type, count(*) as n from bus_event where position > $1 group by type`,
    [startHead],
  );
  const eventsOf = (types: readonly string[]): number => counts.filter((c) => types.includes(c.type)).reduce((s, c) => s + Number(c.n), 0);
  const consumers: ConsumerCatchUp[] = [];
  for (const c of CONSUMERS) {
    const rate = await busyRate(urls.bus, c.types, startHead, samples.get(c.consumer)!);
    consumers.push({
      consumer: c.consumer,
      events: eventsOf(c.types),
      caughtUpSeconds: caughtUp.get(c.consumer) ?? null,
      eventsPerSecond: rate.eventsPerSecond,
      busySeconds: rate.busySeconds,
    });
  }
  const [relayed] = await query<{ ms: string | null }>(
    urls.bus,
    `select extract(epoch from max(appended_at)) * 1000 as ms from bus_event where position > $1`,
    [startHead],
  );
  const relayDoneSeconds = relayed?.ms ? (Number(relayed.ms) - wallStart) / 1000 : null;
  const result: ProjectionsResult = {
    records,
    people,
    events: eventsOf(['dose.recorded', 'person.registered']),
    importSeconds,
    relayDoneSeconds,
    coverageCompleteSeconds: coverageAt,
    ratio: coverageAt === null ? null : coverageAt / importSeconds,
    consumers,
  };
  progress(
    `projections: relay done after ${relayDoneSeconds?.toFixed(1) ?? '–'} s; coverage complete after ${coverageAt?.toFixed(1) ?? '–'} s (ratio ${result.ratio?.toFixed(2) ?? '–'}); ` +
      consumers.map((c) => `${c.consumer} ${c.eventsPerSecond?.toFixed(0) ?? '–'}/s`).join(', ') +
      '\n',
  );
  return result;
}

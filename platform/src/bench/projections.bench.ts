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
  /** Its events ÷ the time from its first applied batch of the import to its last. */
  eventsPerSecond: number | null;
}

export interface ProjectionsResult {
  records: number;
  people: number;
  events: number;
  importSeconds: number;
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
  const first = new Map<string, number>();
  const last = new Map<string, { position: number; at: number }>();
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
        if (s.position > startHead && !first.has(c.consumer)) first.set(c.consumer, now);
        if (s.position !== last.get(c.consumer)?.position) last.set(c.consumer, { position: s.position, at: now });
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
  const consumers = CONSUMERS.map((c): ConsumerCatchUp => {
    const events = eventsOf(c.types);
    const from = first.get(c.consumer);
    const to = last.get(c.consumer)?.at;
    return {
      consumer: c.consumer,
      events,
      caughtUpSeconds: caughtUp.get(c.consumer) ?? null,
      // The first sample after it moved is up to one interval late: count from the sample before it.
      eventsPerSecond: from !== undefined && to !== undefined && to > from ? events / (to - Math.max(0, from - 0.25)) : null,
    };
  });
  const result: ProjectionsResult = {
    records,
    people,
    events: eventsOf(['dose.recorded', 'person.registered']),
    importSeconds,
    coverageCompleteSeconds: coverageAt,
    ratio: coverageAt === null ? null : coverageAt / importSeconds,
    consumers,
  };
  progress(
    `projections: coverage complete after ${coverageAt?.toFixed(1) ?? '–'} s (ratio ${result.ratio?.toFixed(2) ?? '–'}); ` +
      consumers.map((c) => `${c.consumer} ${c.eventsPerSecond?.toFixed(0) ?? '–'}/s`).join(', ') +
      '\n',
  );
  return result;
}

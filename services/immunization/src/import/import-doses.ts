import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  DEFAULT_DB_TIMEOUTS,
  guardPool,
  pgTimeoutOptions,
  AppError,
  type DoseRecordPayload,
  type PersonRegisteredPayload,
  checkNik,
  CommandError,
  createEnvelope,
  csvField,
  type CsvDelimiter,
  type CsvRecord,
  DoseRecorded,
  PersonRegistered,
  type PiiVault,
  type ServiceRuntime,
  uuidv7,
} from '@victori/shared';
import { facilityIdByCode, isSemarangKelurahan } from '../catalogue/catalogue.js';
import { vaultFor } from '../context.js';
import { checkDose } from '../modules/dose/dose.service.js';
import { dedupeKey, dosePayload, judgeDose } from '../modules/dose/dose.rules.js';
import { checkName } from '../modules/person/person.service.js';
import type { GivenDose } from '../modules/schedule/schedule.engine.js';
import { addDuration, isIsoDate, jakartaDate, parseDuration } from '../modules/schedule/schedule.dates.js';
import { DELIVERY_REQUEUE } from '../satusehat/delivery.queue.js';
import type { ImportProgress } from './import-progress.js';
import { terminalProgress } from './import-progress.js';
import { delimiterName, openImportFile, parseDelimiter } from './import-source.js';

export const IMPORT_COLUMNS = [
  'record_id',
  'nik',
  'full_name',
  'birth_date',
  'sex',
  'residence_kelurahan_code',
  'programme',
  'dose',
  'product_code',
  'lot_number',
  'administered_at',
  'facility_code',
] as const;

/** The account recorded as performer of imported doses. */
export const IMPORT_PERFORMER = 'import:history';

interface Row {
  line: number;
  recordId: string;
  nik: string;
  nikHash: string;
  fullName: string;
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  residence: string;
  dose: ReturnType<typeof checkDose>;
  facilityId: string;
}

export interface ImportReport {
  read: number;
  imported: number;
  alreadyImported: number;
  rejected: number;
  peopleRegistered: number;
  rejectedFile?: string;
  elapsedMs: number;
}

export interface ImportOptions {
  /** Rows per transaction (default 4,000). */
  batchSize?: number;
  rejectedFile?: string;
  /** Transactions in flight at once, each for its own share of the people (default 3). */
  concurrency?: number;
  /** The CSV field separator; detected from the header when not given. */
  delimiter?: CsvDelimiter;
  /**
   * Doses whose lot inventory does not know: `group` (default) makes one reconciliation item per
   * facility, product and lot; `ignore` keeps history out of stock altogether.
   */
  lots?: 'group' | 'ignore';
  /** Called as rows are read (about every thousand rows) and once at the end. */
  onProgress?: (progress: ImportProgress) => void;
}

const UNIQUE_VIOLATION = '23505';

class Rejection extends Error {}
const reject = (reason: string): never => {
  throw new Rejection(reason);
};

/** Accepts ISO 8601 with offset, or a local Asia/Jakarta time without one (older exports). */
function normaliseInstant(value: string): string {
  const v = value.replace(' ', 'T');
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}+07:00` : v;
}

/** The same row-level checks as a live `registerPerson` + `recordDose`. */
function parseRow(fields: string[], line: number, vault: PiiVault): Row {
  const get = (i: number) => fields[i] ?? '';
  const [recordId, nik, fullName, birthDate, sex, residence, programme, doseKind, productCode, lotNumber, administeredAt, facilityCode] =
    IMPORT_COLUMNS.map((_, i) => get(i));
  if (!recordId || recordId.length > 100) reject('record_id is required (at most 100 characters)');
  if (!isIsoDate(birthDate!)) reject('birth_date must be YYYY-MM-DD');
  if (sex !== 'MALE' && sex !== 'FEMALE') reject('sex must be MALE or FEMALE');
  const nikCheck = checkNik(nik!, { birthDate, sex: sex as 'MALE' | 'FEMALE' });
  if (!nikCheck.ok) reject(`nik: ${nikCheck.message.en}`);
  if (!isSemarangKelurahan(residence!)) reject('residence_kelurahan_code is not a Semarang kelurahan');
  const facilityId = facilityIdByCode(facilityCode!) ?? reject(`unknown facility_code ${facilityCode}`);
  let dose: ReturnType<typeof checkDose>;
  let name: string;
  try {
    name = checkName(fullName!);
    dose = checkDose({
      programme: programme!,
      doseKind: doseKind!,
      productCode: productCode!,
      lotNumber: lotNumber!,
      administeredAt: normaliseInstant(administeredAt!),
    });
  } catch (error) {
    if (error instanceof AppError) reject(`${String(error.extensions.field)}: ${String(error.extensions.messageEn)}`);
    throw error;
  }
  if (jakartaDate(dose.administeredAt) < birthDate!) reject('administered_at is before birth_date');
  return {
    line,
    recordId: recordId!,
    nik: nik!,
    nikHash: vault.hash(nik!),
    fullName: name,
    birthDate: birthDate!,
    sex: sex as 'MALE' | 'FEMALE',
    residence: residence!,
    dose,
    facilityId,
  };
}

/**
 * Event payloads travel as typed columns and PostgreSQL builds the jsonb (jsonb_build_object), which
 * costs it half as much as parsing a JSON payload per row. The key lists are checked against the
 * contracts by the compiler (every payload key, and only those), and the payloads are validated by
 * the contracts in JS before they are sent.
 */
const PERSON_PAYLOAD: Record<keyof PersonRegisteredPayload, string> = {
  personId: 'uuid',
  nikHash: 'text',
  birthDate: 'text',
  sex: 'text',
  residenceKelurahanCode: 'text',
  isChild: 'boolean',
};
const DOSE_PAYLOAD: Record<keyof DoseRecordPayload, string> = {
  doseRecordId: 'uuid',
  personId: 'uuid',
  nikHash: 'text',
  programme: 'text',
  doseKind: 'text',
  antigen: 'text',
  doseNumber: 'int',
  productCode: 'text',
  lotNumber: 'text',
  facilityId: 'uuid',
  administeredAt: 'text',
  appointmentId: 'uuid',
  slipCode: 'text',
  valid: 'boolean',
  residenceKelurahanCode: 'text',
  birthDate: 'text',
  sex: 'text',
  historyLots: 'text',
};
/**
 * A batch travels as one JSON array of rows with short keys (k0, k1, …), unpacked by
 * json_to_recordset: PostgreSQL spends most of that step matching keys, and short keys cut its
 * cost by 40% (measured: 26 vs 43 ms per 2,000 dose rows).
 */
class RowShape {
  private readonly names: string[];
  private readonly keys: string[];
  constructor(private readonly types: Record<string, string>) {
    this.names = Object.keys(types);
    this.keys = this.names.map((_, i) => `k${i}`);
  }
  /** `(select … from json_to_recordset($n::json) …)` with the long column names. */
  from(param: string): string {
    const short = this.names.map((n, i) => `${this.keys[i]} ${this.types[n]}`).join(', ');
    const named = this.names.map((n, i) => `${this.keys[i]} as "${n}"`).join(', ');
    return `(select ${named} from json_to_recordset(${param}::json) as x(${short}))`;
  }
  row(values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < this.names.length; i++) out[this.keys[i]!] = values[this.names[i]!] ?? null;
    return out;
  }
}
const PERSON_ROW = new RowShape({ ord: 'int', ne: 'text', fe: 'text', eid: 'uuid', ...PERSON_PAYLOAD });
const DOSE_ROW = new RowShape({
  ord: 'int',
  reason: 'text',
  timing: 'varchar',
  key: 'varchar',
  rid: 'varchar',
  eid: 'uuid',
  ...DOSE_PAYLOAD,
});
const buildJsonb = (payload: Record<string, string>, alias: string): string =>
  `jsonb_build_object(${Object.keys(payload)
    .map((k) => `'${k}', ${alias}."${k}"`)
    .join(', ')})`;

/**
 * People of a batch: inserts the new ones with their person.registered events (one statement),
 * and returns every person of the batch; people who existed before come with all their dose records.
 */
const PEOPLE_SQL = `
with input as (
  select * from ${PERSON_ROW.from('$1')} as x
), ins as (
  insert into person (id, nik_hash, nik_encrypted, full_name_encrypted, birth_date, sex, residence_kelurahan_code, is_child, created_at)
  select "personId", "nikHash", ne, fe, "birthDate"::date, sex, "residenceKelurahanCode", "isChild", $2::timestamptz from input order by ord
  on conflict (nik_hash) do nothing
  returning id
), ev as (
  insert into outbox (event_id, type, version, aggregate_id, occurred_at, payload)
  select i.eid, $3, $4, i."personId"::text, $2::timestamptz, ${buildJsonb(PERSON_PAYLOAD, 'i')}
  from input i join ins on ins.id = i."personId" order by i.ord
)
select p.id, p.nik_hash as h, to_char(p.birth_date, 'YYYY-MM-DD') as bd, p.sex, p.residence_kelurahan_code as kel, false as new,
  (select coalesce(json_agg(json_build_object('id', d.id, 'prog', d.programme, 'kind', d.dose_kind, 'at', d.administered_at,
     'valid', d.valid, 'active', d.status = 'ACTIVE', 'rid', d.import_record_id)), '[]')
   from dose_record d where d.person_id = p.id) as doses
from input i
-- People not inserted just now existed before: one index lookup each, however large the registry.
cross join lateral (select * from person where nik_hash = i."nikHash") as p
where not exists (select 1 from ins where ins.id = i."personId")
union all
select id, null, null, null, null, true, null from ins`;

/**
 * Dose records of a batch with their dose.recorded events and national deliveries, in one statement.
 * Checked against the people's records read just before, a batch almost never collides with a
 * unique key, so it is first written without conflict handling (speculative insertion probes every
 * unique index twice). If it does collide (the record_id was imported under another person, or the
 * same dose was recorded live meanwhile), the batch is rolled back and written again `careful`ly:
 * colliding records are skipped, and then neither their event nor their delivery is written.
 */
const dosesSql = (careful: boolean): string => `
with input as (
  select * from ${DOSE_ROW.from('$1')} as x
), w as (
  insert into dose_record (id, person_id, programme, dose_kind, antigen, dose_number, product_code, lot_number, administered_at, facility_id,
    performer_id, valid, invalid_reason, timing, status, dedupe_key, active_key, source, import_record_id, recorded_at)
  select "doseRecordId", "personId", programme, "doseKind", antigen, "doseNumber", "productCode", "lotNumber", "administeredAt"::timestamptz,
    "facilityId", $2, valid, reason, timing, 'ACTIVE', key, key, 'IMPORTED', rid, $3::timestamptz
  from input
  ${careful ? 'on conflict do nothing' : ''}
  returning id
), ev as (
  insert into outbox (event_id, type, version, aggregate_id, occurred_at, payload)
  select i.eid, $4, $5, i."personId"::text, $3::timestamptz, ${buildJsonb(DOSE_PAYLOAD, 'i')}
  from input i join w on w.id = i."doseRecordId" order by i.ord
), nd as (
  insert into national_delivery (target, dedupe_key, person_id, dose_record_id, visit_key)
  select t.target, i.key, i."personId", i."doseRecordId",
    i."personId"::text || '|' || i."facilityId"::text || '|' || to_char(i."administeredAt"::timestamptz at time zone 'Asia/Jakarta', 'YYYY-MM-DD')
  from input i join w on w.id = i."doseRecordId" cross join (values ('SATUSEHAT'), ('PCARE')) as t(target) order by i.ord
  ${careful ? DELIVERY_REQUEUE : ''}
)
select id from w`;
const DOSES_SQL = dosesSql(false);
const DOSES_SQL_CAREFUL = dosesSql(true);

interface StoredPerson {
  id: string;
  nikHash: string;
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  residence: string;
}

interface PersonRow {
  id: string;
  h: string | null;
  bd: string | null;
  sex: 'MALE' | 'FEMALE' | null;
  kel: string | null;
  new: boolean;
  doses: { id: string; prog: string; kind: string; at: string; valid: boolean; active: boolean; rid: string | null }[] | null;
}

interface BatchResult {
  imported: number;
  already: number;
  people: number;
  rejected: { line: number; recordId: string; reason: string }[];
}

/**
 * One batch in one transaction and four round trips: begin, people (+ their events), doses (+ events
 * and deliveries), commit. Validity is judged in memory against each person's earlier doses, in the
 * order the doses were given.
 */
async function importBatch(
  client: pg.PoolClient,
  vault: PiiVault,
  rows: Row[],
  childAfter: string,
  careful: boolean,
  historyLots: 'GROUP' | 'IGNORE',
): Promise<BatchResult> {
  const rejected: BatchResult['rejected'] = [];
  const onReject = (row: Row, reason: string) => rejected.push({ line: row.line, recordId: row.recordId, reason });
  // The batch's time: when its people were registered and its records written, and when its events occurred.
  const now = new Date().toISOString();
  const firstByHash = new Map<string, Row>();
  for (const r of rows) if (!firstByHash.has(r.nikHash)) firstByHash.set(r.nikHash, r);
  const candidates: StoredPerson[] = [];
  const peopleInput: unknown[] = [];
  for (const r of firstByHash.values()) {
    const id = uuidv7();
    const isChild = r.birthDate > childAfter;
    const event = createEnvelope(PersonRegistered, 'immunization', id, {
      personId: id,
      nikHash: r.nikHash,
      birthDate: r.birthDate,
      sex: r.sex,
      residenceKelurahanCode: r.residence,
      isChild,
    });
    candidates.push({ id, nikHash: r.nikHash, birthDate: r.birthDate, sex: r.sex, residence: r.residence });
    peopleInput.push(
      PERSON_ROW.row({
        ord: peopleInput.length,
        ne: vault.encrypt(r.nik),
        fe: vault.encrypt(r.fullName),
        eid: event.id,
        ...event.payload,
      }),
    );
  }
  // Named statements: parsed and planned once per connection, not once per batch.
  const { rows: found } = await client.query<PersonRow>({
    name: 'import-people',
    text: PEOPLE_SQL,
    values: [JSON.stringify(peopleInput), now, PersonRegistered.type, PersonRegistered.version],
  });
  const personByHash = new Map<string, StoredPerson>();
  const dosesByPerson = new Map<string, (GivenDose & { programme: string; valid: boolean })[]>();
  const seen = new Set<string>();
  const newIds = new Set(found.filter((f) => f.new).map((f) => f.id));
  for (const c of candidates) if (newIds.has(c.id)) personByHash.set(c.nikHash, c);
  for (const f of found) {
    if (f.new) continue;
    personByHash.set(f.h!, { id: f.id, nikHash: f.h!, birthDate: f.bd!, sex: f.sex!, residence: f.kel! });
    const list = [];
    for (const d of f.doses ?? []) {
      if (d.rid) seen.add(d.rid);
      if (d.active) list.push({ id: d.id, programme: d.prog, doseKind: d.kind, givenOn: jakartaDate(new Date(d.at)), valid: d.valid });
    }
    dosesByPerson.set(f.id, list);
  }

  let already = 0;
  const accepted: { row: Row; id: string }[] = [];
  const dosesInput: unknown[] = [];
  // Chronological, so that validity is judged as it would have been at the time.
  const ordered = rows.length > 1 ? [...rows].sort((a, b) => a.dose.administeredAt.getTime() - b.dose.administeredAt.getTime()) : rows;
  for (const row of ordered) {
    if (seen.has(row.recordId)) {
      already += 1;
      continue;
    }
    seen.add(row.recordId);
    const person = personByHash.get(row.nikHash);
    if (!person) {
      // Registered by someone else between our snapshot and our insert: a rerun imports the row.
      onReject(row, 'the person was registered at the same moment by another writer; run the import again');
      continue;
    }
    if (person.birthDate !== row.birthDate || person.sex !== row.sex) {
      onReject(row, 'nik is registered with a different birth date or sex');
      continue;
    }
    let all = dosesByPerson.get(person.id);
    if (!all) dosesByPerson.set(person.id, (all = []));
    const others = all.filter((d) => d.programme === row.dose.programme);
    const sameKind = others.filter((d) => d.doseKind === row.dose.doseKind);
    if (sameKind.some((d) => d.valid)) {
      onReject(row, `dose ${row.dose.doseKind} is already recorded for this person`);
      continue;
    }
    const id = uuidv7();
    const v = judgeDose({
      series: row.dose.definition.series,
      doseKind: row.dose.doseKind,
      product: row.dose.product,
      birthDate: person.birthDate,
      administeredAt: row.dose.administeredAt,
      others,
      recordId: id,
    });
    const key = dedupeKey(person.id, row.dose.programme, row.dose.doseKind, sameKind.length + 1);
    const event = createEnvelope(DoseRecorded, 'immunization', person.id, {
      ...dosePayload(
        {
          id,
          personId: person.id,
          programme: row.dose.programme,
          doseKind: row.dose.doseKind,
          antigen: v.antigen,
          doseNumber: v.doseNumber,
          productCode: row.dose.product.code,
          lotNumber: row.dose.lotNumber,
          facilityId: row.facilityId,
          administeredAt: row.dose.administeredAt,
          valid: v.valid,
        },
        { nikHash: person.nikHash, residenceKelurahanCode: person.residence, birthDate: person.birthDate, sex: person.sex },
      ),
      historyLots,
    });
    accepted.push({ row, id });
    dosesInput.push(
      DOSE_ROW.row({
        ord: dosesInput.length,
        reason: v.reason,
        timing: v.timing,
        key,
        rid: row.recordId,
        eid: event.id,
        ...event.payload,
      }),
    );
    all.push({
      id,
      programme: row.dose.programme,
      doseKind: row.dose.doseKind,
      givenOn: jakartaDate(row.dose.administeredAt),
      valid: v.valid,
    });
  }
  if (accepted.length === 0) return { imported: 0, already, people: newIds.size, rejected };
  const { rows: written } = await client.query<{ id: string }>({
    name: careful ? 'import-doses-careful' : 'import-doses',
    text: careful ? DOSES_SQL_CAREFUL : DOSES_SQL,
    values: [JSON.stringify(dosesInput), IMPORT_PERFORMER, now, DoseRecorded.type, DoseRecorded.version],
  });
  if (written.length < accepted.length) {
    // Skipped by a unique key: the record_id was imported under another person, or the same dose was
    // recorded live meanwhile. Tell the two apart for the report.
    const writtenIds = new Set(written.map((w) => w.id));
    const skipped = accepted.filter((a) => !writtenIds.has(a.id));
    const { rows: imported } = await client.query<{ rid: string }>(
      `select import_record_id as rid from dose_record where import_record_id = any($1::varchar[])`,
      [skipped.map((a) => a.row.recordId)],
    );
    const importedIds = new Set(imported.map((r) => r.rid));
    for (const a of skipped) {
      if (importedIds.has(a.row.recordId)) already += 1;
      else onReject(a.row, `dose ${a.row.dose.doseKind} is already recorded for this person`);
    }
  }
  return { imported: written.length, already, people: newIds.size, rejected };
}

/** Which share a person's rows go to: always the same one, so they commit in file order. */
const shareOf = (nikHash: string, shares: number): number => parseInt(nikHash.slice(0, 8), 16) % shares;

/**
 * Streams a history CSV into the registry: rows are checked as they are read, then committed in
 * batches (one transaction each, four round trips, multi-row statements). Idempotent by record_id.
 * Rejected rows go to `<file>.rejected.csv` with the reason. Memory is bounded by one read chunk and
 * three batches per share (running, waiting, filling).
 *
 * Batches commit with `synchronous_commit = off` (no WAL flush per batch); the import ends with one
 * synchronous commit, which flushes the WAL of every earlier batch, so when this resolves every
 * imported record is durable. A crash mid-import loses at most the last batches, which a rerun
 * restores (record ids already imported are skipped).
 */
export async function importDoses(databaseUrl: string, vault: PiiVault, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 4000;
  const shares = options.concurrency ?? 3;
  const rejectedFile = options.rejectedFile ?? `${file}.rejected.csv`;
  const report: ImportReport = { read: 0, imported: 0, alreadyImported: 0, rejected: 0, peopleRegistered: 0, elapsedMs: 0 };
  let out: WriteStream | undefined;
  const writeRejection = (line: number, recordId: string, reason: string) => {
    report.rejected += 1;
    if (!out) {
      out = createWriteStream(rejectedFile);
      out.write('line,record_id,reason\n');
    }
    out.write(`${line},${csvField(recordId)},${csvField(reason)}\n`);
  };
  const today = jakartaDate(new Date());
  const childAfter = addDuration(today, { ...parseDuration('P18Y'), years: -18 });
  // A bulk batch may run long (statement timeout 5 min); a lost connection fails the import, not the process.
  const pool = guardPool(
    new pg.Pool({
      connectionString: databaseUrl,
      max: shares,
      application_name: 'immunization-import',
      ...pgTimeoutOptions({ ...DEFAULT_DB_TIMEOUTS, statementTimeoutMs: 300_000 }),
    }),
    (message, error) => {
      failure ??= error;
      process.stderr.write(`${message}: ${error.message}\n`);
    },
  );
  const batches: Row[][] = Array.from({ length: shares }, () => []);
  // Per share, batches commit one after another (a person's later rows are judged against the earlier
  // ones); one more batch may wait behind the running one, so the reader keeps checking rows while
  // PostgreSQL writes. Memory: at most three batches per share (running, waiting, filling).
  const queues: Promise<void>[][] = Array.from({ length: shares }, () => []);
  const flushed: number[] = Array.from({ length: shares }, () => 0);
  let failure: unknown;
  const runBatch = async (rows: Row[]) => {
    if (failure) return;
    const client = await pool.connect();
    const attempt = async (careful: boolean) => {
      await client.query('begin; set local synchronous_commit = off');
      try {
        const result = await importBatch(client, vault, rows, childAfter, careful, options.lots === 'ignore' ? 'IGNORE' : 'GROUP');
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    };
    try {
      const result = await attempt(false).catch((error: unknown) => {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return attempt(true);
        throw error;
      });
      report.imported += result.imported;
      report.alreadyImported += result.already;
      report.peopleRegistered += result.people;
      for (const r of result.rejected) writeRejection(r.line, r.recordId, r.reason);
    } catch (error) {
      failure ??= error;
    } finally {
      client.release();
    }
  };
  const flush = async (share: number) => {
    const rows = batches[share]!;
    if (rows.length === 0) return;
    batches[share] = [];
    const queue = queues[share]!;
    while (queue.length >= 2) await queue[0];
    if (failure) throw failure;
    const job: Promise<void> = (queue.at(-1) ?? Promise.resolve())
      .then(() => runBatch(rows))
      .finally(() => void queue.splice(queue.indexOf(job), 1));
    queue.push(job);
  };
  const drain = async () => {
    while (queues.some((q) => q.length > 0)) await Promise.all(queues.flat());
  };
  const source = openImportFile(file, { delimiter: options.delimiter });
  let header: string[] | undefined;
  const handle = async ({ line, fields }: CsvRecord) => {
    if (!header) {
      header = fields;
      checkHeader(file, line, fields, source.delimiter());
      return;
    }
    report.read += 1;
    if (options.onProgress && report.read % 1000 === 0) {
      options.onProgress({ rows: report.read, elapsedMs: Date.now() - started, fraction: source.fraction() });
    }
    let row: Row;
    try {
      row = parseRow(fields, line, vault);
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      writeRejection(line, fields[0] ?? '', error.message);
      return;
    }
    const share = shareOf(row.nikHash, shares);
    batches[share]!.push(row);
    // The first batches are small, so PostgreSQL starts writing while the reader fills the rest.
    if (batches[share]!.length >= Math.min(batchSize, 250 * 2 ** flushed[share]!)) {
      flushed[share]! += 1;
      await flush(share);
    }
  };
  try {
    for await (const record of source.records) await handle(record);
    if (!header) throw new CommandError(`${file}: the file is empty; the first line must be the header ${IMPORT_COLUMNS.join(',')}`);
    for (let share = 0; share < shares; share++) await flush(share);
    await drain();
    if (failure) throw failure;
    // One synchronous commit: flushes the WAL of every batch above.
    await pool.query('begin; select txid_current(); commit');
  } finally {
    await drain();
    await pool.end();
    if (out) {
      const stream = out;
      await new Promise<void>((resolve, rejectEnd) => stream.end((err?: Error | null) => (err ? rejectEnd(err) : resolve())));
      report.rejectedFile = rejectedFile;
    }
  }
  report.elapsedMs = Date.now() - started;
  options.onProgress?.({ rows: report.read, elapsedMs: report.elapsedMs, fraction: 1 });
  return report;
}

/** A wrong header stops the import at once, saying what was expected, what was found and, when it is the cause, the delimiter. */
function checkHeader(file: string, line: number, fields: string[], delimiter: CsvDelimiter | undefined): void {
  const found = fields.map((f) => f.toLowerCase());
  if (IMPORT_COLUMNS.every((c, i) => found[i] === c)) return;
  const sep = delimiter ?? ',';
  const others = ([',', ';', '\t'] as const).filter((d) => d !== sep && fields.join(sep).split(d).length >= IMPORT_COLUMNS.length);
  const hint = others.length
    ? ` The fields look separated by "${delimiterName(others[0]!)}": add --delimiter '${delimiterName(others[0]!)}'.`
    : '';
  const missing = IMPORT_COLUMNS.filter((c) => !found.includes(c));
  throw new CommandError(
    `${file}, line ${line}: the header must be ${IMPORT_COLUMNS.join(',')} (in this order)` +
      `${missing.length ? `; missing: ${missing.join(', ')}` : '; the columns are out of order'}.${hint}`,
  );
}

export const IMPORT_USAGE = `usage: npm run import -- doses <file.csv|file.xlsx> [--delimiter , | ; | tab] [--lots group|ignore]

  --delimiter  the CSV field separator (default: detected from the header line)
  --lots       group (default): doses whose lot inventory does not know become one reconciliation
               item per lot; ignore: history does not touch stock at all (lots of the past)`;

/** `npm run import -- doses <file> [options]` (platform/src/cli.ts dispatches here). */
export async function importDosesCommand(runtime: ServiceRuntime, args: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseImportArgs>;
  try {
    parsed = parseImportArgs(args);
  } catch (error) {
    throw new CommandError(`${error instanceof Error ? error.message : String(error)}\n\n${IMPORT_USAGE}`);
  }
  const progress = terminalProgress();
  let report: ImportReport;
  try {
    report = await importDoses(runtime.config.databaseUrl, vaultFor(runtime), parsed.file, {
      ...parsed.options,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.done();
  }
  runtime.logger.info({ ...report }, 'dose history imported');
  process.stdout.write(
    `doses: ${report.read} rows read, ${report.imported} imported, ${report.alreadyImported} already imported, ${report.rejected} rejected` +
      `${report.rejectedFile ? ` (reasons in ${report.rejectedFile})` : ''}, ${report.peopleRegistered} people registered, ` +
      `${Math.round((report.read / Math.max(report.elapsedMs, 1)) * 1000)} rows/s\n`,
  );
}

export function parseImportArgs(args: string[]): { file: string; options: Pick<ImportOptions, 'delimiter' | 'lots'> } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { delimiter: { type: 'string' }, lots: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new CommandError(positionals.length ? 'one file at a time' : 'which file?');
  if (values.lots !== undefined && values.lots !== 'group' && values.lots !== 'ignore') {
    throw new CommandError(`--lots must be group or ignore, got "${values.lots}"`);
  }
  return {
    file: positionals[0]!,
    options: {
      ...(values.delimiter !== undefined ? { delimiter: parseDelimiter(values.delimiter) } : {}),
      ...(values.lots ? { lots: values.lots } : {}),
    },
  };
}

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  AppError,
  checkNik,
  createEnvelope,
  DoseRecorded,
  pgArray,
  PersonRegistered,
  type EventContract,
  type PiiVault,
  type ServiceRuntime,
} from '@victori/shared';
import { facilityIdByCode, isSemarangKelurahan } from '../catalogue/catalogue.js';
import { vaultFor } from '../context.js';
import { checkDose } from '../modules/dose/dose.service.js';
import { dedupeKey, dosePayload, judgeDose } from '../modules/dose/dose.rules.js';
import { checkName } from '../modules/person/person.service.js';
import { addDuration, isIsoDate, jakartaDate, parseDuration } from '../modules/schedule/schedule.dates.js';
import { enqueueDeliveries } from '../satusehat/delivery.queue.js';
import { csvField, lines, parseCsvLine } from './csv.js';

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

/**
 * Bulk outbox write for imports: the same envelopes as `publish` (validated against the contract),
 * sent as one JSON document that PostgreSQL expands, which is much cheaper than a jsonb[] literal.
 */
async function publishBulk<T>(tx: EntityManager, contract: EventContract<T>, items: { aggregateId: string; payload: T }[]): Promise<void> {
  if (items.length === 0) return;
  const events = items.map((i) => createEnvelope(contract, 'immunization', i.aggregateId, i.payload));
  await tx.execute(
    `insert into outbox (event_id, type, version, aggregate_id, occurred_at, payload)
     select x.id, x.type, x.version, x."aggregateId", x."occurredAt", x.payload
     from jsonb_to_recordset(?::jsonb) as x(id uuid, type varchar, version int, "aggregateId" varchar, "occurredAt" timestamptz, payload jsonb)`,
    [JSON.stringify(events)],
  );
}

class Rejection extends Error {}
const reject = (reason: string): never => {
  throw new Rejection(reason);
};

/** Accepts ISO 8601 with offset, or a local Asia/Jakarta time without one (older exports). */
function normaliseInstant(value: string): string {
  const v = value.replace(' ', 'T');
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v}+07:00` : v;
}

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

interface StoredPerson {
  id: string;
  nik_hash: string;
  birth_date: string;
  sex: 'MALE' | 'FEMALE';
  residence_kelurahan_code: string;
}

interface ExistingDose {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  administered_at: Date;
  valid: boolean;
}

/** One batch in one transaction: people, records, events and deliveries with a handful of multi-row statements. */
async function importBatch(
  tx: EntityManager,
  vault: PiiVault,
  rows: Row[],
  childAfter: string,
  onReject: (row: Row, reason: string) => void,
): Promise<{ imported: number; already: number; people: number }> {
  // People: first occurrence of a NIK in the batch wins; existing people are kept as they are.
  const firstByNik = new Map<string, Row>();
  for (const r of rows) if (!firstByNik.has(r.nikHash)) firstByNik.set(r.nikHash, r);
  const newPeople = [...firstByNik.values()];
  const now = new Date().toISOString();
  const inserted = await tx.execute<{ id: string }[]>(
    `insert into person (id, nik_hash, nik_encrypted, full_name_encrypted, birth_date, sex, residence_kelurahan_code, is_child, created_at)
     select * from unnest(?::uuid[], ?::varchar[], ?::text[], ?::text[], ?::date[], ?::varchar[], ?::varchar[], ?::boolean[], ?::timestamptz[])
     on conflict (nik_hash) do nothing returning id`,
    [
      pgArray(newPeople.map(() => randomUUID())),
      pgArray(newPeople.map((r) => r.nikHash)),
      pgArray(newPeople.map((r) => vault.encrypt(r.nik))),
      pgArray(newPeople.map((r) => vault.encrypt(r.fullName))),
      pgArray(newPeople.map((r) => r.birthDate)),
      pgArray(newPeople.map((r) => r.sex)),
      pgArray(newPeople.map((r) => r.residence)),
      pgArray(newPeople.map((r) => String(r.birthDate > childAfter))),
      pgArray(newPeople.map(() => now)),
    ],
  );
  const newIds = new Set(inserted.map((r) => r.id));
  const people = await tx.execute<StoredPerson[]>(
    `select id, nik_hash, to_char(birth_date, 'YYYY-MM-DD') as birth_date, sex, residence_kelurahan_code from person where nik_hash = any(?::varchar[])`,
    [pgArray([...firstByNik.keys()])],
  );
  const personByHash = new Map(people.map((p) => [p.nik_hash, p]));
  await publishBulk(
    tx,
    PersonRegistered,
    people
      .filter((p) => newIds.has(p.id))
      .map((p) => ({
        aggregateId: p.id,
        payload: {
          personId: p.id,
          nikHash: p.nik_hash,
          birthDate: p.birth_date,
          sex: p.sex,
          residenceKelurahanCode: p.residence_kelurahan_code,
          isChild: p.birth_date > childAfter,
        },
      })),
  );
  // Idempotency: records already imported by an earlier run are skipped.
  const seen = new Set(
    (
      await tx.execute<{ import_record_id: string }[]>(
        `select import_record_id from dose_record where import_record_id = any(?::varchar[])`,
        [pgArray(rows.map((r) => r.recordId))],
      )
    ).map((r) => r.import_record_id),
  );
  const existing = await tx.execute<ExistingDose[]>(
    `select id, person_id, programme, dose_kind, administered_at, valid from dose_record where person_id = any(?::uuid[]) and status = 'ACTIVE'`,
    [pgArray(people.map((p) => p.id))],
  );
  const dosesByPerson = new Map<string, { id: string; programme: string; doseKind: string; givenOn: string; valid: boolean }[]>();
  for (const d of existing) {
    const list = dosesByPerson.get(d.person_id) ?? [];
    list.push({
      id: d.id,
      programme: d.programme,
      doseKind: d.dose_kind,
      givenOn: jakartaDate(new Date(d.administered_at)),
      valid: d.valid,
    });
    dosesByPerson.set(d.person_id, list);
  }
  let already = 0;
  const accepted: {
    row: Row;
    person: StoredPerson;
    id: string;
    key: string;
    antigen: string;
    doseNumber: number;
    valid: boolean;
    reason: string | null;
    timing: string | null;
  }[] = [];
  // Chronological per person, so that validity is judged as it would have been at the time.
  const ordered = [...rows].sort((a, b) => a.dose.administeredAt.getTime() - b.dose.administeredAt.getTime());
  for (const row of ordered) {
    if (seen.has(row.recordId)) {
      already += 1;
      continue;
    }
    seen.add(row.recordId);
    const person = personByHash.get(row.nikHash)!;
    if (person.birth_date !== row.birthDate || person.sex !== row.sex) {
      onReject(row, 'nik is registered with a different birth date or sex');
      continue;
    }
    const others = (dosesByPerson.get(person.id) ?? []).filter((d) => d.programme === row.dose.programme);
    const sameKind = others.filter((d) => d.doseKind === row.dose.doseKind);
    if (sameKind.some((d) => d.valid)) {
      onReject(row, `dose ${row.dose.doseKind} is already recorded for this person`);
      continue;
    }
    const id = randomUUID();
    const v = judgeDose({
      schedule: row.dose.definition.schedule,
      series: row.dose.definition.series,
      doseKind: row.dose.doseKind,
      product: row.dose.product,
      birthDate: person.birth_date,
      administeredAt: row.dose.administeredAt,
      others,
      recordId: id,
    });
    const key = dedupeKey(person.id, row.dose.programme, row.dose.doseKind, sameKind.length + 1);
    accepted.push({
      row,
      person,
      id,
      key,
      antigen: v.antigen,
      doseNumber: v.doseNumber,
      valid: v.valid,
      reason: v.reason,
      timing: v.timing,
    });
    others.push({
      id,
      programme: row.dose.programme,
      doseKind: row.dose.doseKind,
      givenOn: jakartaDate(row.dose.administeredAt),
      valid: v.valid,
    });
    dosesByPerson.set(person.id, [...(dosesByPerson.get(person.id) ?? []).filter((d) => d.programme !== row.dose.programme), ...others]);
  }
  if (accepted.length === 0) return { imported: 0, already, people: newIds.size };
  const recordedAt = new Date().toISOString();
  const written = await tx.execute<{ id: string }[]>(
    `insert into dose_record (id, person_id, programme, dose_kind, antigen, dose_number, product_code, lot_number, administered_at, facility_id,
       performer_id, valid, invalid_reason, timing, status, dedupe_key, active_key, source, import_record_id, recorded_at)
     select x.id, x.p, x.prog, x.kind, x.antigen, x.n, x.product, x.lot, x.at, x.fac, ?, x.valid, x.reason, x.timing, 'ACTIVE', x.key, x.key, 'IMPORTED', x.rid, ?::timestamptz
     from jsonb_to_recordset(?::jsonb) as x(id uuid, p uuid, prog varchar, kind varchar, antigen varchar, n int, product varchar, lot varchar, at timestamptz,
       fac uuid, valid boolean, reason text, timing varchar, key varchar, rid varchar)
     on conflict do nothing returning id`,
    [
      IMPORT_PERFORMER,
      recordedAt,
      JSON.stringify(
        accepted.map((a) => ({
          id: a.id,
          p: a.person.id,
          prog: a.row.dose.programme,
          kind: a.row.dose.doseKind,
          antigen: a.antigen,
          n: a.doseNumber,
          product: a.row.dose.product.code,
          lot: a.row.dose.lotNumber,
          at: a.row.dose.administeredAt.toISOString(),
          fac: a.row.facilityId,
          valid: a.valid,
          reason: a.reason,
          timing: a.timing,
          key: a.key,
          rid: a.row.recordId,
        })),
      ),
    ],
  );
  const writtenIds = new Set(written.map((w) => w.id));
  const committed = accepted.filter((a) => writtenIds.has(a.id));
  // Lost a race with a live record of the same dose (or another import of the same record id).
  for (const a of accepted) if (!writtenIds.has(a.id)) onReject(a.row, `dose ${a.row.dose.doseKind} is already recorded for this person`);
  await publishBulk(
    tx,
    DoseRecorded,
    committed.map((a) => ({
      aggregateId: a.person.id,
      payload: dosePayload(
        {
          id: a.id,
          personId: a.person.id,
          programme: a.row.dose.programme,
          doseKind: a.row.dose.doseKind,
          antigen: a.antigen,
          doseNumber: a.doseNumber,
          productCode: a.row.dose.product.code,
          lotNumber: a.row.dose.lotNumber,
          facilityId: a.row.facilityId,
          administeredAt: a.row.dose.administeredAt,
          valid: a.valid,
        },
        {
          nikHash: a.person.nik_hash,
          residenceKelurahanCode: a.person.residence_kelurahan_code,
          birthDate: a.person.birth_date,
          sex: a.person.sex,
        },
      ),
    })),
  );
  await enqueueDeliveries(
    tx,
    committed.map((a) => ({ dedupeKey: a.key, personId: a.person.id, doseRecordId: a.id })),
  );
  return { imported: committed.length, already, people: newIds.size };
}

/**
 * Streams a history CSV into the registry in batches, each batch one transaction with multi-row
 * statements; idempotent by record_id. Rejected rows go to `<file>.rejected.csv` with the reason.
 */
export async function importDoses(
  orm: MikroORM,
  vault: PiiVault,
  file: string,
  options: { batchSize?: number; rejectedFile?: string; concurrency?: number } = {},
): Promise<ImportReport> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 1000;
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
  let header: string[] | undefined;
  let lineNo = 0;
  // Rows are partitioned by person, so one person's rows stay in order in one stream of batches;
  // partitions commit concurrently, each with at most one batch in flight (bounded memory).
  const partitions = options.concurrency ?? 2;
  const batches: Row[][] = Array.from({ length: partitions }, () => []);
  const inFlight: Promise<void>[] = Array.from({ length: partitions }, () => Promise.resolve());
  const flush = async (p: number) => {
    const rows = batches[p]!;
    if (rows.length === 0) return;
    batches[p] = [];
    await inFlight[p];
    inFlight[p] = orm.em
      .fork()
      .transactional(async (tx) => {
        // An import is idempotent by record_id: a crash loses at most the last commits, which a rerun restores.
        await tx.execute('set local synchronous_commit = off');
        return importBatch(tx as EntityManager, vault, rows, childAfter, (row, reason) => writeRejection(row.line, row.recordId, reason));
      })
      .then((result) => {
        report.imported += result.imported;
        report.alreadyImported += result.already;
        report.peopleRegistered += result.people;
      });
  };
  try {
    for await (const line of lines(createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }))) {
      lineNo += 1;
      if (!line.trim()) continue;
      const fields = parseCsvLine(line);
      if (!header) {
        header = fields;
        const missing = IMPORT_COLUMNS.filter((c, i) => header![i] !== c);
        if (missing.length) throw new Error(`${file}: the header must be ${IMPORT_COLUMNS.join(',')}`);
        continue;
      }
      report.read += 1;
      let row: Row;
      try {
        row = parseRow(fields, lineNo, vault);
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        writeRejection(lineNo, fields[0] ?? '', error.message);
        continue;
      }
      const p = parseInt(row.nikHash.slice(0, 8), 16) % partitions;
      batches[p]!.push(row);
      if (batches[p]!.length >= batchSize) await flush(p);
    }
    for (let p = 0; p < partitions; p++) await flush(p);
  } finally {
    await Promise.all(inFlight.map((f) => f.catch(() => undefined)));
  }
  await Promise.all(inFlight);
  if (out) {
    const stream = out;
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    report.rejectedFile = rejectedFile;
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** `npm run import -- doses <file.csv>` (platform/src/cli.ts dispatches here). */
export async function importDosesCommand(runtime: ServiceRuntime, args: string[]): Promise<void> {
  const file = args[0];
  if (!file) throw new Error('usage: npm run import -- doses <file.csv>');
  const report = await importDoses(runtime.orm, vaultFor(runtime), file);
  runtime.logger.info({ ...report }, 'dose history imported');
  process.stdout.write(
    `doses: ${report.read} rows read, ${report.imported} imported, ${report.alreadyImported} already imported, ${report.rejected} rejected` +
      `${report.rejectedFile ? ` (reasons in ${report.rejectedFile})` : ''}, ${report.peopleRegistered} people registered, ` +
      `${Math.round((report.read / Math.max(report.elapsedMs, 1)) * 1000)} rows/s\n`,
  );
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DoseRecorded, initOrm, makeNik, PersonRegistered, PiiVault, withEvents } from '@victori/shared';
import { freshDatabase } from '@victori/shared/testing';
import { migrations } from '../migrations/index.js';
import { AdverseEventEntity } from '../modules/dose/adverse-event.entity.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { GuardianEntity } from '../modules/guardian/guardian.entity.js';
import { PersonEntity } from '../modules/person/person.entity.js';
import { IMPORT_COLUMNS, importDoses } from './import-doses.js';

const HEADER = IMPORT_COLUMNS.join(',');
const nikA = makeNik('337401', '1985-03-20', 'FEMALE', 1);
const nikB = makeNik('337402', '1970-11-02', 'MALE', 9);

const ROWS = [
  // good rows
  `r1,${nikA},"Siti Aminah",1985-03-20,FEMALE,33.74.01.1001,COVID19,PRIMARY_1,CORONAVAC,SV001,2021-07-01T02:00:00Z,PKM-MIROTO`,
  `r2,${nikA},"Siti Aminah",1985-03-20,FEMALE,33.74.01.1001,COVID19,PRIMARY_2,CORONAVAC,SV002,2021-07-29T02:00:00Z,PKM-MIROTO`,
  `r3,${nikA},"Siti Aminah",1985-03-20,FEMALE,33.74.01.1001,COVID19,BOOSTER_1,PFIZER,PF001,2022-01-15 09:00:00,PKM-BANDARHARJO`,
  `r4,${nikB},"Bambang, S.Pd.",1970-11-02,MALE,33.74.02.1001,COVID19,PRIMARY_1,ASTRAZENECA,AZ1,2021-06-01T01:00:00Z,PKM-BANDARHARJO`,
  // a booster too soon after primary 2: imported, flagged invalid
  `r5,${nikB},"Bambang, S.Pd.",1970-11-02,MALE,33.74.02.1001,COVID19,PRIMARY_2,ASTRAZENECA,AZ2,2021-06-05T01:00:00Z,PKM-BANDARHARJO`,
  // rejected rows
  `r6,1234567890123456,"Nobody",1980-01-01,MALE,33.74.01.1001,COVID19,PRIMARY_1,PFIZER,X,2021-06-01T01:00:00Z,PKM-MIROTO`,
  `r7,${makeNik('337401', '1990-01-01', 'MALE', 2)},"Wrong Date",1990-01-02,MALE,33.74.01.1001,COVID19,PRIMARY_1,PFIZER,X,2021-06-01T01:00:00Z,PKM-MIROTO`,
  `r8,${makeNik('337401', '1990-01-01', 'MALE', 3)},"Unknown Product",1990-01-01,MALE,33.74.01.1001,COVID19,PRIMARY_1,SPUTNIK,X,2021-06-01T01:00:00Z,PKM-MIROTO`,
  `r9,${makeNik('337401', '1990-01-01', 'MALE', 4)},"Unknown Facility",1990-01-01,MALE,33.74.01.1001,COVID19,PRIMARY_1,PFIZER,X,2021-06-01T01:00:00Z,PKM-NOWHERE`,
  `r10,${makeNik('337401', '1990-01-01', 'MALE', 5)},"Bad Dose",1990-01-01,MALE,33.74.01.1001,COVID19,BOOSTER_9,PFIZER,X,2021-06-01T01:00:00Z,PKM-MIROTO`,
  `r11,${makeNik('337401', '1990-01-01', 'MALE', 6)},"Future",1990-01-01,MALE,33.74.01.1001,COVID19,PRIMARY_1,PFIZER,X,2999-06-01T01:00:00Z,PKM-MIROTO`,
  `r12,${nikA},"Siti Aminah",1985-03-20,FEMALE,33.74.01.1001,COVID19,PRIMARY_1,CORONAVAC,SV009,2021-07-02T02:00:00Z,PKM-MIROTO`,
  `r13,${makeNik('337401', '1990-01-01', 'MALE', 7)},"Outside",1990-01-01,MALE,33.01.01.1001,COVID19,PRIMARY_1,PFIZER,X,2021-06-01T01:00:00Z,PKM-MIROTO`,
];

describe('npm run import -- doses: history import', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let orm: MikroORM;
  const vault = new PiiVault(randomBytes(32).toString('hex'));
  const dir = mkdtempSync(path.join(tmpdir(), 'victori-import-'));
  const file = path.join(dir, 'doses.csv');

  beforeAll(async () => {
    db = await freshDatabase('importdoses');
    orm = await initOrm({
      databaseUrl: db.url,
      entities: [PersonEntity, GuardianEntity, DoseRecordEntity, AdverseEventEntity],
      migrations: withEvents(migrations),
      poolSize: 4,
    });
    await orm.migrator.up();
    writeFileSync(file, `${HEADER}\n${ROWS.join('\n')}\n`);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });
  const count = async (sql: string) => Number((await orm.em.fork().execute<{ n: string }[]>(sql))[0]!.n);

  test('valid rows become records with events and deliveries; invalid rows are reported with reasons', async () => {
    const report = await importDoses(db.url, vault, file, { batchSize: 4 });
    expect(report).toMatchObject({ read: 13, imported: 5, alreadyImported: 0, rejected: 8, peopleRegistered: 2 });
    const rejected = readFileSync(report.rejectedFile!, 'utf8').trim().split('\n');
    expect(rejected[0]).toBe('line,record_id,reason');
    const reasons = Object.fromEntries(rejected.slice(1).map((l) => [l.split(',')[1], l]));
    expect(reasons.r6).toContain('does not start with a known district code');
    expect(reasons.r7).toContain('does not match the birth date');
    expect(reasons.r8).toContain('Unknown vaccine product');
    expect(reasons.r9).toContain('unknown facility_code PKM-NOWHERE');
    expect(reasons.r10).toContain('Unknown dose BOOSTER_9');
    expect(reasons.r11).toContain('cannot be in the future');
    expect(reasons.r12).toContain('PRIMARY_1 is already recorded');
    expect(reasons.r13).toContain('not a Semarang kelurahan');
    expect(await count(`select count(*) as n from dose_record where source = 'IMPORTED'`)).toBe(5);
    expect(await count(`select count(*) as n from outbox where type = 'dose.recorded'`)).toBe(5);
    expect(await count(`select count(*) as n from outbox where type = 'person.registered'`)).toBe(2);
    // One delivery per national target (SATUSEHAT and PCare) for each imported record; PCare decides at
    // delivery that history is not for it (NOT_APPLICABLE).
    expect(await count(`select count(*) as n from national_delivery where status = 'PENDING' and target = 'SATUSEHAT'`)).toBe(5);
    expect(await count(`select count(*) as n from national_delivery where target = 'PCARE'`)).toBe(5);
    // Same validations as a live record: AstraZeneca dose 2 four days after dose 1 does not count.
    const [az2] = await orm.em
      .fork()
      .execute<{ valid: boolean; invalid_reason: string }[]>(`select valid, invalid_reason from dose_record where import_record_id = 'r5'`);
    expect(az2!.valid).toBe(false);
    expect(az2!.invalid_reason).toContain('minimum interval P3W');
    // Local times without an offset are read as WIB.
    const [b1] = await orm.em
      .fork()
      .execute<{ administered_at: Date }[]>(`select administered_at from dose_record where import_record_id = 'r3'`);
    expect(new Date(b1!.administered_at).toISOString()).toBe('2022-01-15T02:00:00.000Z');
    // No NIK or name in clear text.
    const people = JSON.stringify(await orm.em.fork().execute(`select * from person`));
    expect(people).not.toContain(nikA);
    expect(people).not.toContain('Siti');
  });

  test('running the same file again changes nothing (idempotent by record_id)', async () => {
    const report = await importDoses(db.url, vault, file, { batchSize: 1000 });
    expect(report).toMatchObject({ read: 13, imported: 0, alreadyImported: 5, peopleRegistered: 0 });
    expect(await count(`select count(*) as n from dose_record`)).toBe(5);
    expect(await count(`select count(*) as n from outbox where type = 'dose.recorded'`)).toBe(5);
  });

  test('events carry exactly the contract payload of each record (built by PostgreSQL from the rows)', async () => {
    const events = await orm.em
      .fork()
      .execute<{ aggregate_id: string; payload: unknown }[]>(`select aggregate_id, payload from outbox where type = 'dose.recorded'`);
    const records = await orm.em.fork().execute<
      {
        id: string;
        person_id: string;
        administered_at: Date;
        facility_id: string;
        nik_hash: string;
        birth_date: string;
        valid: boolean;
      }[]
    >(`select d.*, p.nik_hash, to_char(p.birth_date, 'YYYY-MM-DD') as birth_date from dose_record d join person p on p.id = d.person_id`);
    expect(events).toHaveLength(5);
    for (const e of events) {
      const payload = DoseRecorded.schema.parse(e.payload);
      const r = records.find((x) => x.id === payload.doseRecordId)!;
      expect(e.aggregate_id).toBe(r.person_id);
      expect(payload).toMatchObject({
        personId: r.person_id,
        nikHash: r.nik_hash,
        birthDate: r.birth_date,
        facilityId: r.facility_id,
        valid: r.valid,
        appointmentId: null,
        administeredAt: new Date(r.administered_at).toISOString(),
      });
    }
    const people = await orm.em.fork().execute<{ payload: unknown }[]>(`select payload from outbox where type = 'person.registered'`);
    for (const p of people) expect(PersonRegistered.schema.parse(p.payload)).toMatchObject({ isChild: false });
  });

  test('a record id already imported under another person is reported as already imported; the rest of its batch lands', async () => {
    const nikC = makeNik('337403', '1991-05-05', 'FEMALE', 4);
    const other = path.join(dir, 'other.csv');
    writeFileSync(
      other,
      `${HEADER}\n` +
        `r1,${nikC},"Dewi",1991-05-05,FEMALE,33.74.03.1006,COVID19,PRIMARY_1,PFIZER,PF9,2021-08-01T02:00:00Z,PKM-MIROTO\n` +
        `c2,${nikC},"Dewi",1991-05-05,FEMALE,33.74.03.1006,COVID19,PRIMARY_2,PFIZER,PF9,2021-08-29T02:00:00Z,PKM-MIROTO\n`,
    );
    const report = await importDoses(db.url, vault, other);
    expect(report).toMatchObject({ read: 2, imported: 1, alreadyImported: 1, rejected: 0, peopleRegistered: 1 });
    expect(await count(`select count(*) as n from dose_record where import_record_id = 'r1'`)).toBe(1);
    expect(await count(`select count(*) as n from dose_record where import_record_id = 'c2'`)).toBe(1);
    expect(await count(`select count(*) as n from outbox where type = 'dose.recorded'`)).toBe(6);
    expect(await count(`select count(*) as n from national_delivery where target = 'SATUSEHAT'`)).toBe(6);
  });

  test('a file with the wrong header is refused before anything is written', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, `nik,dose\n${nikA},PRIMARY_1\n`);
    await expect(importDoses(db.url, vault, bad)).rejects.toThrow(/header must be/);
  });
});

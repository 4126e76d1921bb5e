import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DoseCorrected,
  DoseRecorded,
  on,
  pgArray,
  PersonRegistered,
  type ConsumerDefinition,
  type DoseCorrectedPayload,
  type DoseRecordPayload,
  type PersonRegisteredPayload,
} from '@victori/shared';
import type { IndicatorDefinitions, ReportingSettings } from '../config.js';
import { localDay } from '../modules/dates.js';

/** Where and since when one person counts for one programme and dose kind (null: not counted). */
interface Counted {
  kelurahanCode: string;
  day: string;
}

interface DoseKey {
  personId: string;
  programme: string;
  doseKind: string;
}

const keyOf = (p: DoseRecordPayload): DoseKey => ({ personId: p.personId, programme: p.programme, doseKind: p.doseKind });
const sameKey = (a: DoseKey, b: DoseKey): boolean => a.personId === b.personId && a.programme === b.programme && a.doseKind === b.doseKind;

/**
 * The rule (also used by the from-scratch recomputation in tests): a person counts once for a
 * programme and dose kind when they have at least one active (not superseded) valid record of it; they
 * count in the kelurahan of residence of their earliest such record, from the day it was given.
 */
async function countedState(tx: EntityManager, key: DoseKey): Promise<Counted | null> {
  const [row] = await tx.execute<{ kelurahan_code: string; day: string }[]>(
    `select kelurahan_code, to_char(administered_on, 'YYYY-MM-DD') as day from dose_fact
      where person_id = ? and programme = ? and dose_kind = ? and active and valid
      order by administered_at, dose_record_id limit 1`,
    [key.personId, key.programme, key.doseKind],
  );
  return row ? { kelurahanCode: row.kelurahan_code, day: row.day } : null;
}

/** Moves a person's contribution in the aggregates from `before` to `after` (one statement per table). */
async function applyDelta(tx: EntityManager, key: DoseKey, before: Counted | null, after: Counted | null): Promise<void> {
  if (before?.kelurahanCode === after?.kelurahanCode && before?.day === after?.day) return;
  const totals = new Map<string, number>();
  const daily = new Map<string, number>();
  const add = (c: Counted, d: number) => {
    totals.set(c.kelurahanCode, (totals.get(c.kelurahanCode) ?? 0) + d);
    daily.set(`${c.kelurahanCode}|${c.day}`, (daily.get(`${c.kelurahanCode}|${c.day}`) ?? 0) + d);
  };
  if (before) add(before, -1);
  if (after) add(after, 1);
  const t = [...totals].filter(([, d]) => d !== 0);
  const dl = [...daily].filter(([, d]) => d !== 0);
  if (t.length === 0 && dl.length === 0) return;
  // Both aggregates in one statement (data-modifying CTEs); an empty array inserts nothing.
  await tx.execute(
    `with total as (
       insert into coverage_total (programme, dose_kind, kelurahan_code, people)
       select ?, ?, k, d from unnest(?::varchar[], ?::int[]) as u(k, d)
       on conflict (programme, dose_kind, kelurahan_code) do update set people = coverage_total.people + excluded.people)
     insert into coverage_daily (programme, dose_kind, kelurahan_code, day, people)
     select ?, ?, split_part(k, '|', 1), split_part(k, '|', 2)::date, d from unnest(?::varchar[], ?::int[]) as u(k, d)
     on conflict (programme, dose_kind, day, kelurahan_code) do update set people = coverage_daily.people + excluded.people`,
    [
      key.programme,
      key.doseKind,
      pgArray(t.map(([k]) => k)),
      pgArray(t.map(([, d]) => String(d))),
      key.programme,
      key.doseKind,
      pgArray(dl.map(([k]) => k)),
      pgArray(dl.map(([, d]) => String(d))),
    ],
  );
}

function insertFactSql(onConflict: string): string {
  return `insert into dose_fact (dose_record_id, person_id, programme, dose_kind, administered_at, administered_on, valid, active, kelurahan_code)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?) ${onConflict}`;
}

const factParams = (p: DoseRecordPayload, active: boolean, timeZone: string): unknown[] => [
  p.doseRecordId,
  p.personId,
  p.programme,
  p.doseKind,
  p.administeredAt,
  localDay(p.administeredAt, timeZone),
  p.valid,
  active,
  p.residenceKelurahanCode,
];

/** Children of the routine programme: recomputes IDL, IBL and the dropout doses of one child from its active records. */
export async function refreshChild(tx: EntityManager, personId: string, defs: IndicatorDefinitions): Promise<void> {
  await tx.execute(
    `update child_status c set
       idl = (select count(distinct d.dose_kind) from dose_fact d
               where d.person_id = c.person_id and d.programme = ? and d.active and d.valid
                 and d.dose_kind = any(?::varchar[]) and d.administered_on < c.birth_date + make_interval(months => ?)) = ?,
       ibl = (select count(distinct d.dose_kind) from dose_fact d
               where d.person_id = c.person_id and d.programme = ? and d.active and d.valid
                 and d.dose_kind = any(?::varchar[]) and d.administered_on < c.birth_date + make_interval(months => ?)) = ?,
       dpt1 = exists (select 1 from dose_fact d where d.person_id = c.person_id and d.programme = ? and d.active and d.valid and d.dose_kind = ?),
       mr1 = exists (select 1 from dose_fact d where d.person_id = c.person_id and d.programme = ? and d.active and d.valid and d.dose_kind = ?)
     where c.person_id = ?`,
    [
      defs.childProgramme,
      pgArray(defs.idl.doseKinds),
      defs.idl.beforeAgeMonths,
      new Set(defs.idl.doseKinds).size,
      defs.childProgramme,
      pgArray(defs.ibl.doseKinds),
      defs.ibl.beforeAgeMonths,
      new Set(defs.ibl.doseKinds).size,
      defs.childProgramme,
      defs.dropout.first,
      defs.childProgramme,
      defs.dropout.last,
      personId,
    ],
  );
}

async function touchChild(tx: EntityManager, p: DoseRecordPayload, defs: IndicatorDefinitions): Promise<void> {
  // person.registered (same aggregate, so delivered first) is authoritative; a dose only fills a missing child.
  await tx.execute(`insert into child_status (person_id, birth_date, kelurahan_code) values (?, ?, ?) on conflict (person_id) do nothing`, [
    p.personId,
    p.birthDate,
    p.residenceKelurahanCode,
  ]);
  await refreshChild(tx, p.personId, defs);
}

export async function onDoseRecorded(tx: EntityManager, p: DoseRecordPayload, settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const key = keyOf(p);
  const before = await countedState(tx, key);
  // A second publication of the same record (new event id) has no second effect.
  const inserted = await tx.execute<{ dose_record_id: string }[]>(
    insertFactSql('on conflict (dose_record_id) do nothing returning dose_record_id'),
    factParams(p, true, config.timeZone),
  );
  if (inserted.length === 0) return;
  let after = before;
  // Earliest record wins (ties on time broken by record id, as countedState does): only then can the state change.
  if (p.valid)
    after = before
      ? await countedState(tx, key)
      : { kelurahanCode: p.residenceKelurahanCode, day: localDay(p.administeredAt, config.timeZone) };
  await applyDelta(tx, key, before, after);
  if (p.programme === definitions.childProgramme) await touchChild(tx, p, definitions);
}

export async function onDoseCorrected(tx: EntityManager, c: DoseCorrectedPayload, settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const keys: DoseKey[] = [keyOf(c.superseded)];
  if (c.record && !sameKey(keys[0]!, keyOf(c.record))) keys.push(keyOf(c.record));
  const before: (Counted | null)[] = [];
  for (const k of keys) before.push(await countedState(tx, k));
  const superseded = { ...c.superseded, doseRecordId: c.supersededDoseRecordId };
  await tx.execute(
    insertFactSql('on conflict (dose_record_id) do update set active = false'),
    factParams(superseded, false, config.timeZone),
  );
  if (c.record) {
    const replaceSame = c.record.doseRecordId === c.supersededDoseRecordId;
    await tx.execute(
      insertFactSql(
        replaceSame
          ? `on conflict (dose_record_id) do update set person_id = excluded.person_id, programme = excluded.programme, dose_kind = excluded.dose_kind,
               administered_at = excluded.administered_at, administered_on = excluded.administered_on, valid = excluded.valid, active = true,
               kelurahan_code = excluded.kelurahan_code`
          : 'on conflict (dose_record_id) do nothing',
      ),
      factParams(c.record, true, config.timeZone),
    );
  }
  for (const [i, key] of keys.entries()) await applyDelta(tx, key, before[i]!, await countedState(tx, key));
  const child = [c.superseded, c.record].find((p) => p?.programme === definitions.childProgramme);
  if (child) await touchChild(tx, child, definitions);
}

export async function onPersonRegistered(tx: EntityManager, p: PersonRegisteredPayload, settings: ReportingSettings): Promise<void> {
  if (!p.isChild) return;
  const { definitions } = settings;
  await tx.execute(
    `insert into child_status (person_id, birth_date, kelurahan_code) values (?, ?, ?)
     on conflict (person_id) do update set birth_date = excluded.birth_date, kelurahan_code = excluded.kelurahan_code`,
    [p.personId, p.birthDate, p.residenceKelurahanCode],
  );
  await refreshChild(tx, p.personId, definitions);
}

export const coverageConsumer = (settings: ReportingSettings): ConsumerDefinition => ({
  name: 'reporting.coverage',
  handlers: [
    on(DoseRecorded, (tx, e) => onDoseRecorded(tx, e.payload, settings)),
    on(DoseCorrected, (tx, e) => onDoseCorrected(tx, e.payload, settings)),
    on(PersonRegistered, (tx, e) => onPersonRegistered(tx, e.payload, settings)),
  ],
  async reset(tx) {
    await tx.execute(`truncate dose_fact, coverage_total, coverage_daily, child_status`);
  },
});

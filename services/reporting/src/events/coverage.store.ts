import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sqlBound } from '@victori/shared';
import type { IndicatorDefinitions } from '../config.js';

/**
 * The coverage projection's SQL: dose facts, the counted aggregates and the child indicators. Every
 * function takes a set of rows (a bulk batch of events is one statement per step, not one per event);
 * rows travel as one JSON array (nulls and types intact) unpacked by jsonb_to_recordset, bound as a
 * parameter (sqlBound), not escaped into the statement.
 */

export interface DoseKey {
  personId: string;
  programme: string;
  doseKind: string;
}

/** Where and since when one person counts for one programme and dose kind. */
export interface Counted {
  kelurahanCode: string;
  day: string;
}

export interface FactRow extends DoseKey {
  doseRecordId: string;
  administeredAt: string;
  administeredOn: string;
  valid: boolean;
  active: boolean;
  kelurahanCode: string;
}

export interface ChildRow {
  personId: string;
  birthDate: string;
  kelurahanCode: string;
}

export interface CoverageDelta {
  programme: string;
  doseKind: string;
  kelurahanCode: string;
  /** Null: the running total; a day: that day's count. */
  day: string | null;
  people: number;
}

export const keyString = (k: DoseKey): string => `${k.personId}|${k.programme}|${k.doseKind}`;

/**
 * The rule (also used by the from-scratch recomputation in tests): a person counts once for a
 * programme and dose kind when they have at least one active (not superseded) valid record of it; they
 * count in the kelurahan of residence of their earliest such record, from the day it was given. Keys
 * that count nowhere are absent from the result.
 */
export async function countedStates(tx: EntityManager, keys: DoseKey[]): Promise<Map<string, Counted>> {
  if (keys.length === 0) return new Map();
  const rows = await sqlBound<{ person_id: string; programme: string; dose_kind: string; kelurahan_code: string; day: string }>(
    tx,
    `select k.person_id, k.programme, k.dose_kind, f.kelurahan_code, to_char(f.administered_on, 'YYYY-MM-DD') as day
       from jsonb_to_recordset(:keys::jsonb) as k(person_id uuid, programme varchar, dose_kind varchar)
       join lateral (
         select kelurahan_code, administered_on from dose_fact d
          where d.person_id = k.person_id and d.programme = k.programme and d.dose_kind = k.dose_kind and d.active and d.valid
          order by d.administered_at, d.dose_record_id limit 1) f on true`,
    { keys: JSON.stringify(keys.map((k) => ({ person_id: k.personId, programme: k.programme, dose_kind: k.doseKind }))) },
  );
  return new Map(
    rows.map((r) => [
      keyString({ personId: r.person_id, programme: r.programme, doseKind: r.dose_kind }),
      { kelurahanCode: r.kelurahan_code, day: r.day },
    ]),
  );
}

const factsJson = (facts: FactRow[]): string =>
  JSON.stringify(
    facts.map((f, ord) => ({
      ord,
      dose_record_id: f.doseRecordId,
      person_id: f.personId,
      programme: f.programme,
      dose_kind: f.doseKind,
      administered_at: f.administeredAt,
      administered_on: f.administeredOn,
      valid: f.valid,
      active: f.active,
      kelurahan_code: f.kelurahanCode,
    })),
  );

const FACT_COLUMNS = `dose_record_id, person_id, programme, dose_kind, administered_at, administered_on, valid, active, kelurahan_code`;
const FACT_RECORDSET = `jsonb_to_recordset(:facts::jsonb) as r(ord int, dose_record_id uuid, person_id uuid, programme varchar,
  dose_kind varchar, administered_at timestamptz, administered_on date, valid boolean, active boolean, kelurahan_code varchar)`;

/**
 * New dose facts; a record already seen (a second publication under a new event id, or twice in one
 * batch) keeps its first fact. Returns the ids that were new.
 */
export async function insertNewFacts(tx: EntityManager, facts: FactRow[]): Promise<Set<string>> {
  if (facts.length === 0) return new Set();
  const rows = await sqlBound<{ dose_record_id: string }>(
    tx,
    `insert into dose_fact (${FACT_COLUMNS})
     select ${FACT_COLUMNS} from (select distinct on (dose_record_id) * from ${FACT_RECORDSET} order by dose_record_id, ord) r
     on conflict (dose_record_id) do nothing returning dose_record_id`,
    { facts: factsJson(facts) },
  );
  return new Set(rows.map((r) => r.dose_record_id));
}

/** A superseded record: its fact stays, inactive (inserted so when the original was never seen). */
export async function deactivateFact(tx: EntityManager, fact: FactRow): Promise<void> {
  await sqlBound(
    tx,
    `insert into dose_fact (${FACT_COLUMNS}) select ${FACT_COLUMNS} from ${FACT_RECORDSET}
     on conflict (dose_record_id) do update set active = false`,
    { facts: factsJson([{ ...fact, active: false }]) },
  );
}

/** A correction that keeps the record id rewrites its fact (active again). */
export async function replaceFact(tx: EntityManager, fact: FactRow): Promise<void> {
  await sqlBound(
    tx,
    `insert into dose_fact (${FACT_COLUMNS}) select ${FACT_COLUMNS} from ${FACT_RECORDSET}
     on conflict (dose_record_id) do update set person_id = excluded.person_id, programme = excluded.programme, dose_kind = excluded.dose_kind,
       administered_at = excluded.administered_at, administered_on = excluded.administered_on, valid = excluded.valid, active = true,
       kelurahan_code = excluded.kelurahan_code`,
    { facts: factsJson([fact]) },
  );
}

/** Adds the deltas to the running totals and the daily counts (both tables in one statement). */
export async function addCoverage(tx: EntityManager, deltas: CoverageDelta[]): Promise<void> {
  const rows = deltas.filter((d) => d.people !== 0);
  if (rows.length === 0) return;
  await sqlBound(
    tx,
    `with d as (
       select * from jsonb_to_recordset(:deltas::jsonb) as r(programme varchar, dose_kind varchar, kelurahan_code varchar, day date, people int)
     ), total as (
       insert into coverage_total (programme, dose_kind, kelurahan_code, people)
       select programme, dose_kind, kelurahan_code, sum(people) from d where day is null group by 1, 2, 3
       on conflict (programme, dose_kind, kelurahan_code) do update set people = coverage_total.people + excluded.people)
     insert into coverage_daily (programme, dose_kind, kelurahan_code, day, people)
     select programme, dose_kind, kelurahan_code, day, sum(people) from d where day is not null group by 1, 2, 3, 4
     on conflict (programme, dose_kind, day, kelurahan_code) do update set people = coverage_daily.people + excluded.people`,
    {
      deltas: JSON.stringify(
        rows.map((d) => ({ programme: d.programme, dose_kind: d.doseKind, kelurahan_code: d.kelurahanCode, day: d.day, people: d.people })),
      ),
    },
  );
}

const childrenJson = (children: ChildRow[]): string =>
  JSON.stringify(children.map((c, ord) => ({ ord, person_id: c.personId, birth_date: c.birthDate, kelurahan_code: c.kelurahanCode })));
const CHILD_RECORDSET = `jsonb_to_recordset(:children::jsonb) as r(ord int, person_id uuid, birth_date date, kelurahan_code varchar)`;

/** Children a dose names: registration (delivered first) is authoritative, so only missing ones are added (the first row of a child wins). */
export async function addMissingChildren(tx: EntityManager, children: ChildRow[]): Promise<void> {
  if (children.length === 0) return;
  await sqlBound(
    tx,
    `insert into child_status (person_id, birth_date, kelurahan_code)
     select person_id, birth_date, kelurahan_code from (select distinct on (person_id) * from ${CHILD_RECORDSET} order by person_id, ord) r
     on conflict (person_id) do nothing`,
    { children: childrenJson(children) },
  );
}

/** Registered children: the latest registration of each wins. */
export async function upsertChildren(tx: EntityManager, children: ChildRow[]): Promise<void> {
  if (children.length === 0) return;
  await sqlBound(
    tx,
    `insert into child_status (person_id, birth_date, kelurahan_code)
     select person_id, birth_date, kelurahan_code from (select distinct on (person_id) * from ${CHILD_RECORDSET} order by person_id, ord desc) r
     on conflict (person_id) do update set birth_date = excluded.birth_date, kelurahan_code = excluded.kelurahan_code`,
    { children: childrenJson(children) },
  );
}

/** Recomputes IDL, IBL and the dropout doses of these children from their active records. */
export async function refreshChildren(tx: EntityManager, personIds: string[], defs: IndicatorDefinitions): Promise<void> {
  if (personIds.length === 0) return;
  await sqlBound(
    tx,
    `update child_status c set
       idl = (select count(distinct d.dose_kind) from dose_fact d
               where d.person_id = c.person_id and d.programme = :programme and d.active and d.valid
                 and d.dose_kind = any(:idlKinds::varchar[]) and d.administered_on < c.birth_date + make_interval(months => :idlMonths)) = :idlCount,
       ibl = (select count(distinct d.dose_kind) from dose_fact d
               where d.person_id = c.person_id and d.programme = :programme and d.active and d.valid
                 and d.dose_kind = any(:iblKinds::varchar[]) and d.administered_on < c.birth_date + make_interval(months => :iblMonths)) = :iblCount,
       dpt1 = exists (select 1 from dose_fact d where d.person_id = c.person_id and d.programme = :programme and d.active and d.valid and d.dose_kind = :first),
       mr1 = exists (select 1 from dose_fact d where d.person_id = c.person_id and d.programme = :programme and d.active and d.valid and d.dose_kind = :last)
     where c.person_id = any(:personIds::uuid[])`,
    {
      programme: defs.childProgramme,
      idlKinds: pgArray(defs.idl.doseKinds),
      idlMonths: defs.idl.beforeAgeMonths,
      idlCount: new Set(defs.idl.doseKinds).size,
      iblKinds: pgArray(defs.ibl.doseKinds),
      iblMonths: defs.ibl.beforeAgeMonths,
      iblCount: new Set(defs.ibl.doseKinds).size,
      first: defs.dropout.first,
      last: defs.dropout.last,
      personIds: pgArray([...new Set(personIds)]),
    },
  );
}

/** Empties the projection (rebuild). */
export async function truncateCoverage(tx: EntityManager): Promise<void> {
  await sqlBound(tx, `truncate dose_fact, coverage_total, coverage_daily, child_status`);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, sql } from '@victori/shared';
import { targetKey, type ValidTarget } from './target.rules.js';

/**
 * Upserts targets in one statement (the caller's transaction makes it all-or-nothing); a row with the same
 * area, programme, dose, year and effective date is replaced. Returns how many rows were new.
 */
export async function upsertTargets(tx: EntityManager, { targets }: { targets: ValidTarget[] }): Promise<{ created: number }> {
  const rows = await sql<{ created: boolean }>(
    tx,
    `insert into target (area_code, programme, dose, year, effective_from, effective_to, population)
     select * from unnest(:areaCodes::varchar[], :programmes::varchar[], :doses::varchar[], :years::int[], :effectiveFrom::date[],
                          :effectiveTo::date[], :populations::int[])
     on conflict (area_code, programme, dose, year, effective_from)
       do update set effective_to = excluded.effective_to, population = excluded.population, imported_at = now()
     returning (xmax = 0) as created`,
    {
      areaCodes: pgArray(targets.map((r) => r.areaCode)),
      programmes: pgArray(targets.map((r) => r.programme)),
      doses: pgArray(targets.map((r) => r.dose)),
      years: pgArray(targets.map((r) => String(r.year))),
      effectiveFrom: pgArray(targets.map((r) => r.effectiveFrom)),
      effectiveTo: `{${targets.map((r) => (r.effectiveTo ? `"${r.effectiveTo}"` : 'NULL')).join(',')}}`,
      populations: pgArray(targets.map((r) => String(r.population))),
    },
  );
  return { created: rows.filter((r) => r.created).length };
}

/** The stored populations of the given targets' keys (area, programme, dose, year, effective date), by targetKey. */
export async function populationsOf(em: EntityManager, { targets }: { targets: ValidTarget[] }): Promise<Map<string, number>> {
  if (targets.length === 0) return new Map();
  const rows = await sql<{ area_code: string; programme: string; dose: string; year: number; effective_from: string; population: number }>(
    em,
    `select t.area_code, t.programme, t.dose, t.year, to_char(t.effective_from, 'YYYY-MM-DD') as effective_from, t.population
       from target t
       join unnest(:areaCodes::varchar[], :programmes::varchar[], :doses::varchar[], :years::int[], :effectiveFrom::date[])
            as g(area_code, programme, dose, year, effective_from)
         on (t.area_code, t.programme, t.dose, t.year, t.effective_from) = (g.area_code, g.programme, g.dose, g.year, g.effective_from)`,
    {
      areaCodes: pgArray(targets.map((r) => r.areaCode)),
      programmes: pgArray(targets.map((r) => r.programme)),
      doses: pgArray(targets.map((r) => r.dose)),
      years: pgArray(targets.map((r) => String(r.year))),
      effectiveFrom: pgArray(targets.map((r) => r.effectiveFrom)),
    },
  );
  return new Map(
    rows.map((r) => [
      targetKey({ areaCode: r.area_code, programme: r.programme, dose: r.dose, year: Number(r.year), effectiveFrom: r.effective_from }),
      Number(r.population),
    ]),
  );
}

/** Imported targets in force on a day: the latest effective row per area (area code -> population). */
export async function targetsInForce(
  em: EntityManager,
  { programme, dose, day }: { programme: string; dose: string; day: string },
): Promise<Map<string, number>> {
  const rows = await sql<{ area_code: string; population: number }>(
    em,
    `select distinct on (area_code) area_code, population from target
      where programme = :programme and dose = :dose and effective_from <= :day and (effective_to is null or effective_to >= :day)
      order by area_code, effective_from desc, year desc`,
    { programme, dose, day },
  );
  return new Map(rows.map((r) => [r.area_code, Number(r.population)]));
}

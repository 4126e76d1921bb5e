import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/** One kelurahan's children of a birth cohort and how many of them have each indicator. */
export interface CohortCounts {
  children: number;
  idl: number;
  ibl: number;
  dpt1: number;
  mr1: number;
}

/** Children of a birth cohort per kelurahan of residence (kelurahan code -> counts) with their IDL, IBL and dropout doses. */
export async function cohortCounts(em: EntityManager, { cohort }: { cohort: number }): Promise<Map<string, CohortCounts>> {
  const rows = await sql<{ kelurahan_code: string; children: string; idl: string; ibl: string; dpt1: string; mr1: string }>(
    em,
    `select kelurahan_code, count(*) as children, count(*) filter (where idl) as idl, count(*) filter (where ibl) as ibl,
            count(*) filter (where dpt1) as dpt1, count(*) filter (where mr1) as mr1
       from child_status where birth_date >= :from and birth_date < :until group by kelurahan_code`,
    { from: `${cohort}-01-01`, until: `${cohort + 1}-01-01` },
  );
  return new Map(
    rows.map((r) => [
      r.kelurahan_code,
      { children: Number(r.children), idl: Number(r.idl), ibl: Number(r.ibl), dpt1: Number(r.dpt1), mr1: Number(r.mr1) },
    ]),
  );
}

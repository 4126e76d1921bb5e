import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/**
 * People counted per kelurahan (kelurahan code -> people) from the maintained aggregates: the running
 * total (asOf null: today), or the daily counts up to a past day. Never a count over dose records.
 */
export async function achievedByKelurahan(
  em: EntityManager,
  { programme, dose, asOf }: { programme: string; dose: string; asOf: string | null },
): Promise<Map<string, number>> {
  const rows =
    asOf === null
      ? await sql<{ kelurahan_code: string; people: number }>(
          em,
          `select kelurahan_code, people from coverage_total where programme = :programme and dose_kind = :dose and people <> 0`,
          { programme, dose },
        )
      : await sql<{ kelurahan_code: string; people: string }>(
          em,
          `select kelurahan_code, sum(people) as people from coverage_daily
            where programme = :programme and dose_kind = :dose and day <= :asOf group by kelurahan_code`,
          { programme, dose, asOf },
        );
  return new Map(rows.map((r) => [r.kelurahan_code, Number(r.people)]));
}

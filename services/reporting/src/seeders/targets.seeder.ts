import { readCsv, type Orm } from '@victori/shared';

/**
 * The civil registry's (Dukcapil) COVID-19 booster target per kecamatan (1,391,552 in all), the
 * denominator of the city's booster recap. Assumption: it was set for the 2022 booster campaign, so it
 * is programme COVID19, dose BOOSTER_1, year 2022, in force from 2022-01-01 with no end date (until an
 * admin imports a newer target). Existing rows are left alone, so an admin's correction survives restarts.
 */
export const BOOSTER_TARGET = { programme: 'COVID19', dose: 'BOOSTER_1', year: 2022, effectiveFrom: '2022-01-01' } as const;

export async function seedBoosterTargets(orm: Orm): Promise<void> {
  const rows = readCsv('semarang-covid19-booster-targets.csv');
  const values = rows.map(() => '(?, ?, ?, ?, ?, null, ?)').join(', ');
  const params = rows.flatMap((r) => [
    r.kecamatan_code,
    BOOSTER_TARGET.programme,
    BOOSTER_TARGET.dose,
    BOOSTER_TARGET.year,
    BOOSTER_TARGET.effectiveFrom,
    Number(r.target),
  ]);
  await orm.em.getConnection().execute(
    `insert into target (area_code, programme, dose, year, effective_from, effective_to, population) values ${values}
       on conflict (area_code, programme, dose, year, effective_from) do nothing`,
    params,
  );
}

import { readCsv, type Orm } from '@victori/shared';

const list = (v: string | undefined): string => JSON.stringify(v ? v.split(';') : []);
const intOrNull = (v: string | undefined): number | null => (v ? Number(v) : null);

/** COVID-19 products and routine child vaccines (data/vaccine-products.csv); safe to run again. */
export async function seedCatalogue(orm: Orm): Promise<void> {
  const conn = orm.em.getConnection();
  for (const r of readCsv('vaccine-products.csv')) {
    await conn.execute(
      `insert into vaccine_product (code, name, manufacturer, antigens, programme, presentation, doses_per_vial, min_age_months,
         max_age_months, dose_kinds, uses_vvm, open_vial_hours, kfa_code, cvx_code)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (code) do nothing`,
      [
        r.code,
        r.name,
        r.manufacturer,
        list(r.antigens),
        r.programme,
        r.presentation,
        Number(r.doses_per_vial),
        Number(r.min_age_months),
        intOrNull(r.max_age_months),
        list(r.dose_kinds),
        r.uses_vvm === 'true',
        intOrNull(r.open_vial_hours),
        r.kfa_code || null,
        r.cvx_code || null,
      ],
    );
  }
}

import { sql, vaccineCatalogue, type Orm } from '@victori/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

/** COVID-19 products and routine child vaccines (the shared catalogue, data/vaccine-products.csv); safe to run again. */
export async function seedCatalogue(orm: Orm): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  for (const p of vaccineCatalogue().values()) {
    await sql(
      em,
      `insert into vaccine_product (code, name, manufacturer, antigens, programme, presentation, doses_per_vial, min_age_months,
         max_age_months, dose_kinds, uses_vvm, open_vial_hours, kfa_code, cvx_code)
       values (:code, :name, :manufacturer, :antigens, :programme, :presentation, :dosesPerVial, :minAgeMonths,
         :maxAgeMonths, :doseKinds, :usesVvm, :openVialHours, :kfaCode, :cvxCode)
       on conflict (code) do nothing`,
      {
        code: p.code,
        name: p.name,
        manufacturer: p.manufacturer,
        antigens: JSON.stringify(p.antigens),
        programme: p.programme,
        presentation: p.presentation,
        dosesPerVial: p.dosesPerVial,
        minAgeMonths: p.minAgeMonths,
        maxAgeMonths: p.maxAgeMonths ?? null,
        doseKinds: JSON.stringify(p.doseKinds),
        usesVvm: p.usesVvm,
        openVialHours: p.openVialHours ?? null,
        kfaCode: p.kfaCode ?? null,
        cvxCode: p.cvxCode ?? null,
      },
    );
  }
}

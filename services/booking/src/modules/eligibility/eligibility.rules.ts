import { vaccineCatalogue } from '@victori/shared';

/**
 * The rules of every programme (ages, intervals, series order, maximum ages) are the schedule data in
 * data/schedules/*.json, evaluated by the shared engine (shared/src/schedule/) exactly as immunization's
 * forecast evaluates them. Only the products' own limits live here, read from the shared catalogue.
 */
export interface ProductRule {
  code: string;
  name: string;
  programme: string;
  minAgeMonths: number;
  maxAgeMonths?: number;
  doseKinds: string[];
}

let products: Map<string, ProductRule> | undefined;

/** Minimum ages and allowed dose kinds per product, from the shared catalogue (data/vaccine-products.csv). */
export function productRules(): Map<string, ProductRule> {
  products ??= new Map(
    [...vaccineCatalogue().values()].map((p) => [
      p.code,
      {
        code: p.code,
        name: p.name,
        programme: p.programme,
        minAgeMonths: p.minAgeMonths,
        maxAgeMonths: p.maxAgeMonths,
        doseKinds: p.doseKinds,
      },
    ]),
  );
  return products;
}

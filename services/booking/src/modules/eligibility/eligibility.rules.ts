import { readCsv } from '@victori/shared';

/**
 * Dose rules per programme: what must come before a dose, how long after, and from what age. These are
 * regulation (DOMAIN.md section 5) and change with it: edit the data here, not the code that applies it.
 */
export interface DoseRule {
  /** The dose kind that must have been received (validly) before this one. */
  after?: string;
  /** Minimum time since `after`, counted to the session date. */
  minIntervalDays?: number;
  minIntervalMonths?: number;
  /** Minimum age on the session date, on top of the product's own minimum age. */
  minAgeYears?: number;
}

export interface ProgrammeRules {
  programme: string;
  doses: Record<string, DoseRule>;
  /** Product-specific intervals that replace the programme's (e.g. AstraZeneca's longer primary interval). */
  productOverrides?: Record<string, Record<string, Pick<DoseRule, 'minIntervalDays' | 'minIntervalMonths'>>>;
}

export const PROGRAMME_RULES: ProgrammeRules[] = [
  {
    programme: 'COVID19',
    doses: {
      PRIMARY_1: {},
      PRIMARY_2: { after: 'PRIMARY_1', minIntervalDays: 21 },
      // Since February 2022: 3 months after the primary series (6 months before).
      BOOSTER_1: { after: 'PRIMARY_2', minIntervalMonths: 3, minAgeYears: 18 },
      BOOSTER_2: { after: 'BOOSTER_1', minIntervalMonths: 6, minAgeYears: 18 },
    },
    productOverrides: {
      CORONAVAC: { PRIMARY_2: { minIntervalDays: 28 } },
      MODERNA: { PRIMARY_2: { minIntervalDays: 28 } },
      ASTRAZENECA: { PRIMARY_2: { minIntervalDays: 56 } },
    },
  },
];

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
    readCsv('vaccine-products.csv').map((r) => [
      r.code!,
      {
        code: r.code!,
        name: r.name!,
        programme: r.programme!,
        minAgeMonths: Number(r.min_age_months),
        maxAgeMonths: r.max_age_months ? Number(r.max_age_months) : undefined,
        doseKinds: r.dose_kinds!.split(';').filter(Boolean),
      },
    ]),
  );
  return products;
}

export function programmeRules(programme: string): ProgrammeRules | undefined {
  return PROGRAMME_RULES.find((p) => p.programme === programme);
}

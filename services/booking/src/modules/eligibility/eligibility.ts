import { addDuration, findDose, programmeEligibility, type EligibilityRule, type Message } from '@victori/shared';
import { ageInMonths } from '../../time.js';
import { productRules } from './eligibility.rules.js';

/** One dose the person received, as immunization recorded it (local calendar date). */
export interface DoseFact {
  programme: string;
  doseKind: string;
  date: string;
  valid: boolean;
}

export interface EligibilityQuestion {
  programme: string;
  productCode: string;
  doseKind: string;
  /** The day the dose would be given. */
  sessionDate: string;
  birthDate: string;
  /** MALE or FEMALE: some series are for girls only (HPV). */
  sex?: string;
  history: DoseFact[];
  /** A school session's grade: a dose the schedule gives in that grade is judged as at its recommended age. */
  grade?: number | null;
}

export type EligibilityAnswer =
  | { ok: true }
  | { ok: false; field: string; message: Message; rule: EligibilityRule | 'PRODUCT'; antigen: string | null; earliestDate?: string };

const refuse = (field: string, id: string, en: string): EligibilityAnswer => ({
  ok: false,
  field,
  message: { id, en },
  rule: 'PRODUCT',
  antigen: null,
});

/**
 * Eligibility for one dose on the session date: the product's own limits (catalogue), then the
 * programme's schedule data through the shared engine, the same evaluation as immunization's forecast.
 */
export function checkEligibility(q: EligibilityQuestion): EligibilityAnswer {
  const product = productRules().get(q.productCode);
  if (!product) return refuse('slotId', 'Produk vaksin sesi ini tidak dikenal', 'The session’s vaccine product is unknown');
  if (!product.doseKinds.includes(q.doseKind)) {
    return refuse(
      'doseKind',
      `${product.name} tidak digunakan untuk dosis ${q.doseKind}`,
      `${product.name} is not used for dose ${q.doseKind}`,
    );
  }
  const age = ageInMonths(q.birthDate, q.sessionDate);
  if (age < 0) return refuse('birthDate', 'Tanggal lahir setelah tanggal sesi', 'The birth date is after the session date');
  if (age < product.minAgeMonths) {
    return refuse(
      'birthDate',
      `Usia minimal untuk ${product.name} adalah ${formatAge(product.minAgeMonths, 'id')}`,
      `The minimum age for ${product.name} is ${formatAge(product.minAgeMonths, 'en')}`,
    );
  }
  if (product.maxAgeMonths !== undefined && age > product.maxAgeMonths) {
    return refuse(
      'birthDate',
      `Usia maksimal untuk ${product.name} adalah ${formatAge(product.maxAgeMonths, 'id')}`,
      `The maximum age for ${product.name} is ${formatAge(product.maxAgeMonths, 'en')}`,
    );
  }
  // Invalid doses (too early, too late) do not count: immunization judged them with the same engine.
  const given = q.history
    .filter((d) => d.valid && d.programme === q.programme)
    .map((d, i) => ({ id: `h${i}`, doseKind: d.doseKind, givenOn: d.date }));
  const answer = programmeEligibility(q.programme, scheduleBirthDate(q), given, q.doseKind, q.sessionDate, q.productCode, q.sex);
  if (answer.ok) return { ok: true };
  return {
    ok: false,
    field: RULE_FIELD[answer.rule],
    message: answer.message,
    rule: answer.rule,
    antigen: answer.antigen,
    ...(answer.earliestDate ? { earliestDate: answer.earliestDate } : {}),
  };
}

/**
 * The birth date the schedule judges by. In a session for a school grade the grade decides which dose is due,
 * not the pupil's exact age (the youngest of a class may be months under the usual age): the pupil is taken to
 * be at the dose's recommended age on the visit date. The product's own minimum age (above) still holds.
 */
function scheduleBirthDate(q: EligibilityQuestion): string {
  const dose = q.grade != null ? findDose(q.programme, q.doseKind)?.dose : undefined;
  if (!dose || dose.grade !== q.grade) return q.birthDate;
  const r = dose.recommendedAge;
  return addDuration(q.sessionDate, { years: -r.years, months: -r.months, days: -r.days, text: `-${r.text}` });
}

/** The input a refusal points at: the person's age, the dose asked for, or the visit (slot) date. */
const RULE_FIELD: Record<EligibilityRule, string> = {
  NO_SCHEDULE: 'slotId',
  SEX: 'sex',
  NOT_IN_SCHEDULE: 'doseKind',
  SCHEDULE_AGE: 'birthDate',
  ALREADY_GIVEN: 'doseKind',
  PREVIOUS_DOSE: 'doseKind',
  MIN_AGE: 'birthDate',
  MIN_INTERVAL: 'slotId',
  MAX_AGE: 'birthDate',
  NO_LONGER_NEEDED: 'doseKind',
};

function formatAge(months: number, lang: 'id' | 'en'): string {
  if (months % 12 === 0) return lang === 'id' ? `${months / 12} tahun` : `${months / 12} years`;
  return lang === 'id' ? `${months} bulan` : `${months} months`;
}

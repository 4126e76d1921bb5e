import type { Message } from '@victori/shared';
import { addDays, addMonths, ageInMonths } from '../../time.js';
import { productRules, programmeRules } from './eligibility.rules.js';

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
  history: DoseFact[];
}

export type EligibilityAnswer = { ok: true } | { ok: false; field: string; message: Message; earliestDate?: string };

const refuse = (field: string, id: string, en: string, earliestDate?: string): EligibilityAnswer => ({
  ok: false,
  field,
  message: { id, en },
  ...(earliestDate ? { earliestDate } : {}),
});

/** Age and interval eligibility for one dose on the session date, from the rules data and the dose history. */
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
  const valid = q.history.filter((d) => d.valid && d.programme === q.programme);
  if (valid.some((d) => d.doseKind === q.doseKind)) {
    return refuse('doseKind', `Dosis ${q.doseKind} sudah pernah diterima`, `Dose ${q.doseKind} has already been received`);
  }
  const rules = programmeRules(q.programme);
  const rule = rules?.doses[q.doseKind];
  if (!rule) return { ok: true };
  if (rule.minAgeYears !== undefined && age < rule.minAgeYears * 12) {
    return refuse(
      'birthDate',
      `Dosis ${q.doseKind} mulai usia ${rule.minAgeYears} tahun`,
      `Dose ${q.doseKind} is from ${rule.minAgeYears} years of age`,
    );
  }
  if (rule.after) {
    const previous = valid
      .filter((d) => d.doseKind === rule.after)
      .map((d) => d.date)
      .sort()
      .at(-1);
    if (!previous) {
      return refuse(
        'doseKind',
        `Dosis ${q.doseKind} memerlukan dosis ${rule.after} terlebih dahulu`,
        `Dose ${q.doseKind} requires dose ${rule.after} first`,
      );
    }
    const interval = { ...rule, ...rules?.productOverrides?.[q.productCode]?.[q.doseKind] };
    let earliest = previous;
    if (interval.minIntervalMonths) earliest = addMonths(earliest, interval.minIntervalMonths);
    if (interval.minIntervalDays) earliest = addDays(earliest, interval.minIntervalDays);
    if (q.sessionDate < earliest) {
      return refuse(
        'slotId',
        `Dosis ${q.doseKind} baru dapat diberikan mulai ${earliest}`,
        `Dose ${q.doseKind} can be given from ${earliest} at the earliest`,
        earliest,
      );
    }
  }
  return { ok: true };
}

function formatAge(months: number, lang: 'id' | 'en'): string {
  if (months % 12 === 0) return lang === 'id' ? `${months / 12} tahun` : `${months / 12} years`;
  return lang === 'id' ? `${months} bulan` : `${months} months`;
}

import type { DoseRecordPayload } from '@victori/shared';
import type { Product } from '../../catalogue/catalogue.js';
import { findDose, type ScheduleSeries } from '../schedule/schedule.data.js';
import { addDuration, jakartaDate, parseDuration } from '../schedule/schedule.dates.js';
import { judgeGiven, type DoseTiming, type GivenDose } from '../schedule/schedule.engine.js';

export interface Validity {
  valid: boolean;
  reason: string | null;
  timing: DoseTiming | null;
  antigen: string;
  doseNumber: number;
}

/**
 * Judges a new dose against the schedule, the person's other active doses of the programme and the
 * product's own age limits. The record is kept either way; invalid doses must be repeated.
 */
export function judgeDose(args: {
  series: ScheduleSeries;
  doseKind: string;
  product: Product;
  birthDate: string;
  administeredAt: Date;
  others: GivenDose[];
  recordId: string;
}): Validity {
  const givenOn = jakartaDate(args.administeredAt);
  const all = [...args.others, { id: args.recordId, doseKind: args.doseKind, givenOn }];
  const entry = judgeGiven(args.series, args.birthDate, all).find((d) => d.doseRecordId === args.recordId);
  const definition = args.series.doses.find((d) => d.doseKind === args.doseKind)!;
  let valid = entry?.status === 'GIVEN_VALID';
  let reason = entry?.reason ?? null;
  if (valid && givenOn < addDuration(args.birthDate, parseDuration(`P${args.product.minAgeMonths}M`))) {
    valid = false;
    reason = `Too early for ${args.product.name}: minimum age ${args.product.minAgeMonths} months; must be repeated`;
  }
  if (
    valid &&
    args.product.maxAgeMonths !== undefined &&
    givenOn > addDuration(args.birthDate, parseDuration(`P${args.product.maxAgeMonths}M`))
  ) {
    valid = false;
    reason = `Too late for ${args.product.name}: maximum age ${args.product.maxAgeMonths} months`;
  }
  return {
    valid,
    reason: valid ? null : reason,
    timing: valid ? (entry?.timing ?? null) : null,
    antigen: args.series.antigen,
    doseNumber: entry?.doseNumber ?? definition.doseNumber,
  };
}

export { findDose };

/** The dedupe key of the national record: person + programme + dose (a repeat of an invalid dose is #2, #3, …). */
export function dedupeKey(personId: string, programme: string, doseKind: string, repeat: number): string {
  return `${personId}:${programme}:${doseKind}${repeat > 1 ? `#${repeat}` : ''}`;
}

export interface PayloadSource {
  id: string;
  personId: string;
  programme: string;
  doseKind: string;
  antigen: string;
  doseNumber: number;
  productCode: string;
  lotNumber: string;
  facilityId: string;
  administeredAt: Date;
  appointmentId?: string | null;
  slipCode?: string | null;
  valid: boolean;
}

export function dosePayload(
  r: PayloadSource,
  person: { nikHash?: string | null; residenceKelurahanCode: string; birthDate: string; sex: 'MALE' | 'FEMALE' },
): DoseRecordPayload {
  return {
    doseRecordId: r.id,
    personId: r.personId,
    nikHash: person.nikHash ?? null,
    programme: r.programme,
    doseKind: r.doseKind,
    antigen: r.antigen,
    doseNumber: r.doseNumber,
    productCode: r.productCode,
    lotNumber: r.lotNumber,
    facilityId: r.facilityId,
    administeredAt: r.administeredAt.toISOString(),
    appointmentId: r.appointmentId ?? null,
    slipCode: r.slipCode ?? null,
    valid: r.valid,
    residenceKelurahanCode: person.residenceKelurahanCode,
    birthDate: person.birthDate,
    sex: person.sex,
  };
}

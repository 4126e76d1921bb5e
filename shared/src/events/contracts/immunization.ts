import { z } from 'zod';
import { defineEvent } from '../envelope.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoDateTime = z.string().datetime({ offset: true });

/** One administered dose as the registry recorded it. */
export const doseRecordPayload = z.object({
  doseRecordId: z.string().uuid(),
  personId: z.string().uuid(),
  /** Keyed hash of the NIK (same PII key in every service), null for a child without NIK. */
  nikHash: z.string().nullable(),
  /** COVID19, ROUTINE_CHILD, SCHOOL_BIAS, … */
  programme: z.string(),
  /** PRIMARY_1 … BOOSTER_2 for COVID-19; HB0, BCG, OPV1, DPT-HB-HIB1, MR1, … for routine doses. */
  doseKind: z.string(),
  antigen: z.string(),
  doseNumber: z.number().int().positive(),
  productCode: z.string(),
  lotNumber: z.string(),
  facilityId: z.string().uuid(),
  administeredAt: isoDateTime,
  appointmentId: z.string().uuid().nullable(),
  slipCode: z.string().nullable(),
  /** False when given too early (recorded, must be repeated). */
  valid: z.boolean(),
  residenceKelurahanCode: z.string(),
  birthDate: isoDate,
  sex: z.enum(['MALE', 'FEMALE']),
  /**
   * Only on doses imported from history: how stock treats them. GROUP: a dose stock cannot cover joins
   * one reconciliation item per facility, product, lot and reason; IGNORE: history leaves stock alone.
   */
  historyLots: z.enum(['GROUP', 'IGNORE']).optional(),
});
export type DoseRecordPayload = z.infer<typeof doseRecordPayload>;

/** aggregateId: personId */
export const DoseRecorded = defineEvent('dose.recorded', 1, doseRecordPayload);

/** A correction supersedes a record; `record` is the replacement, or null when the record is voided. aggregateId: personId */
export const DoseCorrected = defineEvent(
  'dose.corrected',
  1,
  z.object({
    supersededDoseRecordId: z.string().uuid(),
    superseded: doseRecordPayload,
    reason: z.string(),
    record: doseRecordPayload.nullable(),
  }),
);
export type DoseCorrectedPayload = z.infer<typeof DoseCorrected.schema>;

/** aggregateId: personId */
export const PersonRegistered = defineEvent(
  'person.registered',
  1,
  z.object({
    personId: z.string().uuid(),
    nikHash: z.string().nullable(),
    birthDate: isoDate,
    sex: z.enum(['MALE', 'FEMALE']),
    residenceKelurahanCode: z.string(),
    isChild: z.boolean(),
  }),
);
export type PersonRegisteredPayload = z.infer<typeof PersonRegistered.schema>;

/**
 * A dose given elsewhere, as the citizen declared it (DECLARED) or as the national record holds it
 * (NATIONAL): eligibility counts it, coverage never does. aggregateId: personId
 */
export const DoseDeclared = defineEvent(
  'dose.declared',
  1,
  z.object({
    declaredDoseId: z.string().uuid(),
    personId: z.string().uuid(),
    nikHash: z.string().nullable(),
    programme: z.string(),
    doseKind: z.string(),
    givenOn: isoDate,
    source: z.enum(['DECLARED', 'NATIONAL']),
  }),
);
export type DoseDeclaredPayload = z.infer<typeof DoseDeclared.schema>;

/**
 * A health worker decided on a declaration: REJECTED (it no longer counts) or CONFIRMED (its dose record
 * follows as dose.recorded, which counts instead). aggregateId: personId
 */
export const DoseDeclarationDecided = defineEvent(
  'dose.declaration-decided',
  1,
  z.object({ declaredDoseId: z.string().uuid(), personId: z.string().uuid(), outcome: z.enum(['CONFIRMED', 'REJECTED']) }),
);
export type DoseDeclarationDecidedPayload = z.infer<typeof DoseDeclarationDecided.schema>;

/**
 * A citizen account may act for a person (a parent registering a child, a guardian added). Booking
 * projects these links to know whom a guardian may book for by registry id. aggregateId: personId
 */
export const GuardianLinked = defineEvent(
  'person.guardian-linked',
  1,
  z.object({
    personId: z.string().uuid(),
    /** The citizen account (token subject), not personal data. */
    accountId: z.string().min(1).max(100),
    relationship: z.string(),
  }),
);
export type GuardianLinkedPayload = z.infer<typeof GuardianLinked.schema>;

/**
 * A child's link to its mother's NIK became trustworthy: registered by a health worker, by the mother's
 * own account or with her claim code, or confirmed by a health worker. Booking lets the mother book for
 * the child with her NIK and proof of herself, without a citizen account. aggregateId: personId
 */
export const MotherConfirmed = defineEvent(
  'person.mother-confirmed',
  1,
  z.object({ personId: z.string().uuid(), motherNikHash: z.string().min(1) }),
);
export type MotherConfirmedPayload = z.infer<typeof MotherConfirmed.schema>;

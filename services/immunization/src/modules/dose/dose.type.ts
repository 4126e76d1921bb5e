import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar, DoseTimingEnum } from '@victori/shared';
import { FacilityRef } from '../../external/facility.stub.js';
import { VaccineProductRef } from '../../external/product.stub.js';

export enum DoseRecordStatusEnum {
  ACTIVE = 'ACTIVE',
  SUPERSEDED = 'SUPERSEDED',
  VOIDED = 'VOIDED',
}
registerEnumType(DoseRecordStatusEnum, { name: 'DoseRecordStatus', description: 'ACTIVE, SUPERSEDED by a correction, or VOIDED' });

export enum AdverseEventSeverityEnum {
  NON_SERIOUS = 'NON_SERIOUS',
  SERIOUS = 'SERIOUS',
}
registerEnumType(AdverseEventSeverityEnum, {
  name: 'AdverseEventSeverity',
  description: 'Severity of an adverse event following immunization (KIPI)',
});

export enum AdverseEventOutcomeEnum {
  RECOVERED = 'RECOVERED',
  RECOVERING = 'RECOVERING',
  NOT_RECOVERED = 'NOT_RECOVERED',
  HOSPITALISED = 'HOSPITALISED',
  DIED = 'DIED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(AdverseEventOutcomeEnum, {
  name: 'AdverseEventOutcome',
  description: 'Outcome of an adverse event following immunization (KIPI)',
});

export enum DeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  SUPERSEDED = 'SUPERSEDED',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}
registerEnumType(DeliveryState, {
  name: 'NationalDeliveryState',
  description: 'Where a dose record is on its way to a national system',
  valuesConfig: {
    FAILED: { description: 'Waiting for a person to fix something (see problem); the desk retries it after the fix' },
    NOT_APPLICABLE: { description: 'This national system does not take the record (for PCare: not a BPJS participant, or history)' },
  },
});

export enum NationalTarget {
  SATUSEHAT = 'SATUSEHAT',
  PCARE = 'PCARE',
}
registerEnumType(NationalTarget, { name: 'NationalTarget', description: 'A national system dose records are delivered to' });

export enum NationalDeliveryProblem {
  PATIENT_NOT_FOUND = 'PATIENT_NOT_FOUND',
  PRACTITIONER_NOT_FOUND = 'PRACTITIONER_NOT_FOUND',
  PRODUCT_CODE_UNCONFIRMED = 'PRODUCT_CODE_UNCONFIRMED',
  FACILITY_NOT_REGISTERED = 'FACILITY_NOT_REGISTERED',
  EXPIRATION_DATE_MISSING = 'EXPIRATION_DATE_MISSING',
  REJECTED = 'REJECTED',
  NOT_A_PARTICIPANT = 'NOT_A_PARTICIPANT',
}
registerEnumType(NationalDeliveryProblem, {
  name: 'NationalDeliveryProblem',
  description: 'Why a record waits for a person instead of being retried',
  valuesConfig: {
    PATIENT_NOT_FOUND: { description: "SATUSEHAT knows no patient by the person's NIK (or the mother's NIK): correct it, then retry" },
    PRACTITIONER_NOT_FOUND: { description: 'The health worker has no NIK registered, or SATUSEHAT does not know it' },
    PRODUCT_CODE_UNCONFIRMED: { description: 'The vaccine product has no confirmed KFA code; nothing is sent until it has one' },
    FACILITY_NOT_REGISTERED: { description: 'The facility has no SATUSEHAT Organization and Location ids yet' },
    EXPIRATION_DATE_MISSING: { description: "A dose given here needs the lot's expiration date: correct the record with it" },
    REJECTED: { description: 'The national system refused the record (lastError says why)' },
    NOT_A_PARTICIPANT: { description: 'PCare only: the person is not an active BPJS participant' },
  },
});

/** Why a record is in the backlog: a problem a person must solve (FAILED), or waiting for a retry or its first try (PENDING). */
export const NationalBacklogReason = { ...NationalDeliveryProblem, RETRYING: 'RETRYING', QUEUED: 'QUEUED' } as const;
export type NationalBacklogReason = (typeof NationalBacklogReason)[keyof typeof NationalBacklogReason];
registerEnumType(NationalBacklogReason, {
  name: 'NationalBacklogReason',
  description: 'A NationalDeliveryProblem for FAILED records; RETRYING (an earlier try failed) or QUEUED (not tried yet) for PENDING ones',
});

@ObjectType('NationalDelivery', { description: 'Delivery of one dose record to one national system (SATUSEHAT or BPJS PCare)' })
export class NationalDelivery {
  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => NationalTarget, { description: 'Which national system' })
  target!: NationalTarget;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field(() => NationalDeliveryProblem, { nullable: true, description: 'What a person must fix (FAILED), or why not applicable' })
  problem?: NationalDeliveryProblem | null;

  @Field(() => Int, { description: 'Attempts so far (for the current version of the record)' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' })
  lastError?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'ISO time of the next attempt while pending' })
  nextAttemptAt?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Id in the national system (SATUSEHAT Immunization id, PCare day/queue number)' })
  nationalId?: string | null;
}

@ObjectType('PractitionerIdentity', { description: "A health worker's identity in SATUSEHAT (looked up by the NIK an admin registered)" })
export class PractitionerIdentity {
  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true, description: 'IHS Practitioner id; null until the next delivery looks it up (or when not found)' })
  ihsPractitionerId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO time of the last lookup' })
  lookedUpAt?: string | null;
}

@ObjectType('NationalBacklogGroup', { description: 'Dose records not yet in a national system, by target, facility and reason' })
export class NationalBacklogGroup {
  @Field(() => NationalTarget)
  target!: NationalTarget;

  @Field(() => FacilityRef, { nullable: true, description: 'Null for a voided record whose last version is gone' })
  facility?: FacilityRef | null;

  @Field(() => DeliveryState, { description: 'PENDING (retried automatically) or FAILED (waits for a person)' })
  state!: DeliveryState;

  @Field(() => NationalBacklogReason, { description: 'A NationalDeliveryProblem for FAILED; RETRYING or QUEUED for PENDING' })
  reason!: string;

  @Field(() => Int)
  records!: number;

  @Field(() => String, { description: 'ISO time the oldest of them was queued' })
  oldestQueuedAt!: string;
}

@ObjectType('AdverseEvent', { description: 'An adverse event following immunization (KIPI)' })
export class AdverseEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => DateTimeScalar)
  onsetAt!: string;

  @Field(() => AdverseEventSeverityEnum, { description: 'NON_SERIOUS or SERIOUS' })
  severity!: string;

  @Field(() => [String])
  symptoms!: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => AdverseEventOutcomeEnum)
  outcome!: string;

  @Field(() => DateTimeScalar)
  reportedAt!: string;
}

@ObjectType('DoseRecord', { description: 'One administered dose, as recorded; corrections supersede and keep the old record' })
export class DoseRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => String, { description: 'COVID19, ROUTINE_CHILD, …' })
  programme!: string;

  @Field(() => String, { description: 'PRIMARY_1 … BOOSTER_2, HB0, BCG, OPV1, DPT-HB-HIB1, MR1, …' })
  doseKind!: string;

  @Field(() => String)
  antigen!: string;

  @Field(() => Int, { description: 'Position in the series as the schedule counts it' })
  doseNumber!: number;

  @Field(() => String)
  productCode!: string;

  // Resolved by inventory: nullable so that a recorded dose is still reported when inventory is down.
  @Field(() => VaccineProductRef, { nullable: true })
  product!: VaccineProductRef;

  @Field(() => String)
  lotNumber!: string;

  @Field(() => DateScalar, { nullable: true })
  expirationDate?: string | null;

  @Field(() => DateTimeScalar, { description: 'ISO time (UTC)' })
  administeredAt!: string;

  // Resolved by booking: nullable so that a recorded dose is still reported when booking is down.
  @Field(() => FacilityRef, { nullable: true })
  facility!: FacilityRef;

  @Field(() => String, { description: 'Account id of the vaccinator' })
  performerId!: string;

  @Field(() => String, { nullable: true, description: 'Who gave the dose, when recorded by someone else' })
  vaccinatorName?: string | null;

  @Field(() => ID, { nullable: true, description: 'The id the recording device made for the entry (idempotency key)' })
  clientRecordId?: string | null;

  @Field(() => ID, { nullable: true })
  appointmentId?: string | null;

  @Field(() => String, { nullable: true })
  slipCode?: string | null;

  @Field(() => Boolean, { description: 'False when given too early (or past the maximum age): it does not count' })
  valid!: boolean;

  @Field(() => String, { nullable: true })
  invalidReason?: string | null;

  @Field(() => DoseTimingEnum, { nullable: true, description: 'ON_TIME or CATCH_UP' })
  timing?: string | null;

  @Field(() => DoseRecordStatusEnum, { description: 'ACTIVE, SUPERSEDED or VOIDED' })
  status!: string;

  @Field(() => ID, { nullable: true })
  supersedesId?: string | null;

  @Field(() => ID, { nullable: true })
  supersededById?: string | null;

  @Field(() => String, { nullable: true })
  correctionReason?: string | null;

  @Field(() => String, { description: 'RECORDED or IMPORTED' })
  source!: string;

  @Field(() => DateTimeScalar)
  recordedAt!: string;
}

export const DoseRecordConnection = connectionType('DoseRecord', DoseRecord, {
  totalDescription: 'Dose records matching includeSuperseded, over all pages',
});

@ObjectType('SlipDoseRecord', {
  description:
    'A dose record as its holder sees it after proving the slip (NIK, birth date, slip code): what was given, when, where, and its delivery to SATUSEHAT; nothing else of the record',
})
export class SlipDoseRecord {
  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => String)
  antigen!: string;

  @Field(() => Int)
  doseNumber!: number;

  @Field(() => String)
  productCode!: string;

  @Field(() => VaccineProductRef, { nullable: true })
  product!: VaccineProductRef;

  @Field(() => String, { description: 'ISO time (UTC)' })
  administeredAt!: string;

  @Field(() => FacilityRef, { nullable: true })
  facility!: FacilityRef;

  @Field(() => DeliveryState, { description: 'Where this record is on its way to SATUSEHAT' })
  deliveryState!: DeliveryState;
}

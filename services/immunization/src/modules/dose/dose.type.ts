import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';
import { VaccineProductRef } from '../../external/product.stub.js';

export enum DeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(DeliveryState, {
  name: 'NationalDeliveryState',
  description: 'Where a dose record is on its way to the national record (SATUSEHAT)',
});

@ObjectType('NationalDelivery', { description: 'Delivery of one dose record to the national record (SATUSEHAT)' })
export class NationalDelivery {
  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field(() => Int, { description: 'Attempts so far (for the current version of the record)' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' })
  lastError?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO time of the next attempt while pending' })
  nextAttemptAt?: string | null;

  @Field(() => String, { nullable: true })
  deliveredAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Id of the Immunization resource in SATUSEHAT' })
  nationalId?: string | null;
}

@ObjectType('AdverseEvent', { description: 'An adverse event following immunization (KIPI)' })
export class AdverseEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => String)
  onsetAt!: string;

  @Field(() => String, { description: 'NON_SERIOUS or SERIOUS' })
  severity!: string;

  @Field(() => [String])
  symptoms!: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String)
  outcome!: string;

  @Field(() => String)
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

  @Field(() => String, { nullable: true })
  expirationDate?: string | null;

  @Field(() => String, { description: 'ISO time (UTC)' })
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

  @Field(() => String, { nullable: true, description: 'ON_TIME or CATCH_UP' })
  timing?: string | null;

  @Field(() => String, { description: 'ACTIVE, SUPERSEDED or VOIDED' })
  status!: string;

  @Field(() => ID, { nullable: true })
  supersedesId?: string | null;

  @Field(() => ID, { nullable: true })
  supersededById?: string | null;

  @Field(() => String, { nullable: true })
  correctionReason?: string | null;

  @Field(() => String, { description: 'RECORDED or IMPORTED' })
  source!: string;

  @Field(() => String)
  recordedAt!: string;
}

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

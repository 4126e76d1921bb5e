import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar } from '@victori/shared';
import { FacilityRef } from '../../external/facility.stub.js';
import { AdjustmentReason, LedgerEntry } from '../ledger/ledger.type.js';
import { Lot } from '../lot/lot.type.js';
import { VaccineProduct } from '../product/product.type.js';

@ObjectType('FacilityStock', { description: 'Usable doses of one product at one facility' })
export class FacilityStock {
  @Field(() => VaccineProduct)
  product!: VaccineProduct;

  @Field(() => Int, { description: 'Doses on hand that are unexpired, unrecalled and of usable VVM stage' })
  usableDoses!: number;

  @Field(() => Int, { description: 'Doses on hand, usable or not' })
  onHandDoses!: number;
}

@ObjectType('StockMovement', { description: 'The ledger entries one operation wrote' })
export class StockMovement {
  @Field(() => Lot)
  lot!: Lot;
  @Field(() => [LedgerEntry])
  entries!: LedgerEntry[];
}

@ObjectType('RecallFacility')
export class RecallFacility {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => String, { nullable: true })
  facilityCode?: string | null;
  @Field(() => String, { nullable: true })
  facilityName?: string | null;
  @Field(() => Int)
  dosesRemoved!: number;
  @Field(() => Int, { description: 'Usable doses of the product left at the facility' })
  usableDosesAfter!: number;
}

@ObjectType('RecallAffectedSession', { description: 'An open session of the recalled product at an affected facility' })
export class RecallAffectedSession {
  @Field(() => ID)
  sessionId!: string;
  @Field(() => ID)
  facilityId!: string;
  @Field(() => DateScalar)
  date!: string;
  @Field(() => String)
  startTime!: string;
  @Field(() => String)
  endTime!: string;
  @Field(() => Int)
  capacity!: number;
  @Field(() => Int)
  usableDosesAfter!: number;
}

@ObjectType('RecallReport')
export class RecallReport {
  @Field(() => Lot)
  lot!: Lot;
  @Field(() => Int)
  totalDosesRemoved!: number;
  @Field(() => [RecallFacility])
  facilities!: RecallFacility[];
  @Field(() => [RecallAffectedSession])
  sessions!: RecallAffectedSession[];
}

@ObjectType('OpenedVial', { description: 'A multi-dose vial in use; what is left after its open-time limit is discarded' })
export class OpenedVial {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  facilityId!: string;
  @Field(() => ID)
  lotId!: string;
  @Field(() => Int)
  dosesInVial!: number;
  @Field(() => Int)
  dosesUsed!: number;
  @Field(() => DateTimeScalar)
  openedAt!: string;
  @Field(() => DateTimeScalar)
  expiresAt!: string;
  @Field(() => DateTimeScalar, { nullable: true })
  closedAt?: string | null;
  @Field(() => Int, { nullable: true })
  discardedDoses?: number | null;
}

@ObjectType('DoseReconciliation', { description: 'A recorded dose the facility stock could not cover: reconcile it' })
export class DoseReconciliation {
  @Field(() => ID)
  doseRecordId!: string;
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => String)
  productCode!: string;
  @Field(() => String)
  lotNumber!: string;
  @Field(() => DateTimeScalar)
  administeredAt!: string;
  @Field(() => String, {
    description:
      'FLAGGED, GROUPED (doses imported from history, one item per facility, product, lot and reason), or REVERSED when a correction superseded the record',
  })
  status!: string;
  @Field(() => Int, { description: 'Doses this item stands for: 1, or every dose of a grouped historical lot' })
  doses!: number;
  @Field(() => String, { nullable: true, description: 'UNKNOWN_LOT, NOT_HELD, INSUFFICIENT_BALANCE, LOT_RECALLED, CORRECTION_SAME_RECORD' })
  reason?: string | null;
  @Field(() => DateTimeScalar)
  createdAt!: string;
  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt?: string | null;
  @Field(() => String, { nullable: true })
  resolvedBy?: string | null;
  @Field(() => String, { nullable: true })
  resolution?: string | null;
}

export const DoseReconciliationConnection = connectionType('DoseReconciliation', DoseReconciliation, {
  totalDescription: 'Items matching the filter, over all pages',
});

@InputType('ReceiveStockInput')
export class ReceiveStockInput {
  @Field(() => String)
  productCode!: string;
  @Field(() => String)
  lotNumber!: string;
  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  expiryDate!: string;
  @Field(() => String, { nullable: true, description: "Defaults to the product's manufacturer" })
  manufacturer?: string;
  @Field(() => Int)
  doses!: number;
  @Field(() => Int, { nullable: true, description: 'VVM stage on arrival (products with a VVM; default 1)' })
  vvmStage?: number;
  @Field(() => String, { nullable: true })
  note?: string;
}

@InputType('TransferStockInput')
export class TransferStockInput {
  @Field(() => ID)
  fromFacilityId!: string;
  @Field(() => ID)
  toFacilityId!: string;
  @Field(() => ID)
  lotId!: string;
  @Field(() => Int)
  doses!: number;
  @Field(() => String, { nullable: true })
  note?: string;
}

@InputType('AdjustStockInput')
export class AdjustStockInput {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => ID)
  lotId!: string;
  @Field(() => AdjustmentReason)
  reason!: AdjustmentReason;
  @Field(() => Int, { description: 'Doses taken out of stock' })
  doses!: number;
  @Field(() => String, { nullable: true })
  note?: string;
}

@InputType('PhysicalCountInput')
export class PhysicalCountInput {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => ID)
  lotId!: string;
  @Field(() => Int)
  countedDoses!: number;
  @Field(() => String, { nullable: true })
  note?: string;
}

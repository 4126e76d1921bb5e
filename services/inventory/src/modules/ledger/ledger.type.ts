import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';
import { connectionType, DateTimeScalar } from '@victori/shared';

export enum StockReasonEnum {
  RECEIPT = 'RECEIPT',
  TRANSFER_OUT = 'TRANSFER_OUT',
  TRANSFER_IN = 'TRANSFER_IN',
  ADMINISTERED = 'ADMINISTERED',
  OPENED_VIAL_DISCARD = 'OPENED_VIAL_DISCARD',
  EXPIRED = 'EXPIRED',
  DAMAGED = 'DAMAGED',
  COLD_CHAIN_FAILURE = 'COLD_CHAIN_FAILURE',
  RECALL = 'RECALL',
  PHYSICAL_COUNT = 'PHYSICAL_COUNT',
}
registerEnumType(StockReasonEnum, { name: 'StockReason', description: 'Why stock changed (one ledger entry)' });

export enum AdjustmentReason {
  DAMAGED = 'DAMAGED',
  EXPIRED = 'EXPIRED',
  COLD_CHAIN_FAILURE = 'COLD_CHAIN_FAILURE',
  OPENED_VIAL_DISCARD = 'OPENED_VIAL_DISCARD',
}
registerEnumType(AdjustmentReason, { name: 'AdjustmentReason', description: 'Reasons an adjustment may take doses out of stock' });

@ObjectType('StockLedgerEntry', { description: 'One immutable change of stock of one lot at one facility' })
export class LedgerEntry {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => ID)
  lotId!: string;
  @Field(() => String)
  productCode!: string;
  @Field(() => String)
  lotNumber!: string;
  @Field(() => StockReasonEnum)
  reason!: StockReasonEnum;
  @Field(() => Int, { description: 'Signed change in doses' })
  quantity!: number;
  @Field(() => Int, { description: 'Balance of the lot at the facility after this entry' })
  balanceAfter!: number;
  @Field(() => String, { description: 'Who made the change (role:account, or the system process)' })
  actor!: string;
  @Field(() => DateTimeScalar, { description: 'When it happened (ISO 8601)' })
  at!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was recorded (ISO 8601)' })
  recordedAt?: string;
  @Field(() => ID, { nullable: true })
  doseRecordId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Both entries of one transfer share it' })
  transferId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The other facility of a transfer' })
  counterpartFacilityId?: string | null;
  @Field(() => String, { nullable: true })
  note?: string | null;
}

export const LedgerEntryConnection = connectionType('StockLedgerEntry', LedgerEntry, {
  totalDescription: 'Entries matching the filter, over all pages',
});

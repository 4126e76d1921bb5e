import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import { FacilityRef } from '../../external/facility.stub.js';

@ObjectType('FacilityIndicatorRow', { description: 'Appointments and stock of one product at one facility on one day' })
export class FacilityIndicatorRow {
  @Field(() => FacilityRef)
  facility!: FacilityRef;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD (Asia/Jakarta)' })
  date!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => Int, { description: 'Appointments for the day not cancelled (booked, checked in, served or no-show)' })
  booked!: number;

  @Field(() => Int, { description: 'Appointments completed (dose given)' })
  served!: number;

  @Field(() => Int)
  noShow!: number;

  @Field(() => Int)
  cancelled!: number;

  @Field(() => Int, { nullable: true, description: 'Doses on hand at the end of the day; null before the product was ever stocked here' })
  onHand?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'onHand / average doses administered per day over the last 28 days; null without consumption',
  })
  daysOfStock?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Stock reached 0 during the day' })
  stockOut?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'Stock-out days in the 30 days ending on this day' })
  stockOutDays?: number | null;

  @Field(() => Int, { description: 'Doses received (receipts and transfers in)' })
  received!: number;

  @Field(() => Int, { description: 'Doses administered (ledger)' })
  administered!: number;

  @Field(() => Int, { description: 'Doses used: administered plus opened-vial discards and losses (definitions file)' })
  used!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Wastage rate in percent: (used - administered) / used x 100; null when nothing was used',
  })
  wastageRate?: number | null;
}

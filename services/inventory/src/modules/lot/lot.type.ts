import { Field, ID, Int, ObjectType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';
import { connectionType, DateScalar, DateTimeScalar } from '@victori/shared';

@ObjectType('Lot', { description: 'A manufacturing lot (batch) of a vaccine product' })
export class Lot {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  lotNumber!: string;
  @Field(() => String)
  productCode!: string;
  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  expiryDate!: string;
  @Field(() => String)
  manufacturer!: string;
  @Field(() => Boolean)
  recalled!: boolean;
  @Field(() => DateTimeScalar, { nullable: true })
  recalledAt?: string | null;
  @Field(() => String, { nullable: true })
  recallReason?: string | null;
}

@ObjectType('LotHolding', { description: 'The stock of one lot at one facility' })
export class LotHolding {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => Int, { description: 'Doses on hand' })
  balance!: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Vaccine vial monitor stage 1-4 (3 and 4: do not use); null when the product has no VVM',
  })
  vvmStage?: number | null;
  @Field(() => Boolean, { description: 'Unexpired, unrecalled and of a usable VVM stage' })
  usable!: boolean;
}

@ObjectType('ExpiringStock', { description: 'Doses of a lot at a facility that expire soon' })
export class ExpiringStock {
  @Field(() => Lot)
  lot!: Lot;
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => Int)
  doses!: number;
  @Field(() => DateScalar)
  expiryDate!: string;
  @Field(() => Int, { description: 'Days from today to the expiry date (negative: already expired)' })
  daysToExpiry!: number;
}

@ObjectType('FefoPick', { description: 'Take this many doses from this lot' })
export class FefoPick {
  @Field(() => Lot)
  lot!: Lot;
  @Field(() => Int)
  takeDoses!: number;
  @Field(() => Int)
  balance!: number;
  @Field(() => Int, { nullable: true })
  vvmStage?: number | null;
}

@ObjectType('FefoSuggestion', { description: 'First-expiry-first-out: which lots to use or transfer first' })
export class FefoSuggestion {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => String)
  productCode!: string;
  @Field(() => Int)
  requestedDoses!: number;
  @Field(() => Int, { description: 'Usable doses of the product at the facility' })
  availableDoses!: number;
  @Field(() => Int, { description: 'Requested doses the usable stock cannot cover' })
  shortfall!: number;
  @Field(() => [FefoPick])
  picks!: FefoPick[];
}

export const LotConnection = connectionType('Lot', Lot, { totalDescription: 'Lots matching the filter, over all pages' });

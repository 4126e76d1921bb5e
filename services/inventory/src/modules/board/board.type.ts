import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '@victori/shared';
import { FacilityRef } from '../../external/facility.stub.js';

@ObjectType('StockTotal', { description: 'Stock of one product in one place (facility, kecamatan or city)' })
export class StockTotal {
  @Field(() => String)
  productCode!: string;
  @Field(() => Int, { description: 'Doses on hand, usable or not' })
  onHandDoses!: number;
  @Field(() => Int, { description: 'Unexpired, unrecalled doses of a usable VVM stage' })
  usableDoses!: number;
  @Field(() => Int, { description: 'Doses administered in the use-rate window' })
  administeredDoses!: number;
  @Field(() => Float, { description: 'Average doses administered per day over the use-rate window' })
  dailyUseRate!: number;
  @Field(() => Float, { nullable: true, description: 'Usable doses at the recent daily use rate; null when nothing was used' })
  daysOfStockLeft?: number | null;
  @Field(() => Int, { description: 'Days of the window that ended with nothing on hand (areas: facility-days)' })
  stockOutDays!: number;
  @Field(() => Int, { description: 'Facilities (that held the product) with no usable doses now' })
  facilitiesStockedOut!: number;
}

@ObjectType('KecamatanStock')
export class KecamatanStock {
  @Field(() => String)
  kecamatanCode!: string;
  @Field(() => String)
  kecamatanName!: string;
  @Field(() => [StockTotal])
  totals!: StockTotal[];
}

@ObjectType('FacilityStockLine')
export class FacilityStockLine {
  @Field(() => ID)
  facilityId!: string;
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => String)
  facilityCode!: string;
  @Field(() => String)
  facilityName!: string;
  @Field(() => String)
  facilityType!: string;
  @Field(() => String)
  kecamatanCode!: string;
  @Field(() => [StockTotal])
  totals!: StockTotal[];
}

@ObjectType('StockBoard', { description: 'The public vaccine stock board' })
export class StockBoard {
  @Field(() => DateTimeScalar, { description: 'When the figures were computed (ISO 8601)' })
  asOf!: string;
  @Field(() => String, { description: 'The calendar day (Asia/Jakarta) the figures are for' })
  today!: string;
  @Field(() => Int, { description: 'Days the daily use rate and stock-out days are counted over' })
  useRateDays!: number;
  @Field(() => [StockTotal])
  city!: StockTotal[];
  @Field(() => [KecamatanStock], { description: 'Per kecamatan (the city store is counted in the city total only)' })
  kecamatan!: KecamatanStock[];
  @Field(() => [FacilityStockLine])
  facilities!: FacilityStockLine[];
}

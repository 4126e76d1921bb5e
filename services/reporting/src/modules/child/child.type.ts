import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Area, AreaLevel } from '../area/area.type.js';

@ObjectType('ChildIndicatorRow', { description: 'Routine child immunization indicators of one area for one birth cohort' })
export class ChildIndicatorRow {
  @Field(() => Area)
  area!: Area;

  @Field(() => AreaLevel)
  level!: AreaLevel;

  @Field(() => Boolean, { description: 'True for the city total (the last row of a list)' })
  isTotal!: boolean;

  @Field(() => Int, { description: 'Birth year' })
  cohort!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Registered children of the cohort living here (the denominator); null when suppressed',
  })
  children?: number | null;

  @Field(() => Int, { nullable: true, description: 'Children with IDL (every basic dose, valid, before the first birthday)' })
  idl?: number | null;

  @Field(() => Float, { nullable: true, description: 'idl / children x 100 (2 decimals, half-up)' })
  idlRate?: number | null;

  @Field(() => Int, { nullable: true, description: 'Children with IBL (DPT-HB-Hib 4 and MR2, valid, before the second birthday)' })
  ibl?: number | null;

  @Field(() => Float, { nullable: true, description: 'ibl / children x 100' })
  iblRate?: number | null;

  @Field(() => Int, { nullable: true, description: 'Children with a valid DPT-HB-Hib 1' })
  dpt1?: number | null;

  @Field(() => Int, { nullable: true, description: 'Children with a valid MR1' })
  mr1?: number | null;

  @Field(() => Float, { nullable: true, description: 'DPT-HB-Hib 1 to MR1 dropout: (dpt1 - mr1) / dpt1 x 100; should stay at or below 5' })
  dropoutRate?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Kelurahan rows: IDL rate at or above uciThreshold (Universal Child Immunization)' })
  uci?: boolean | null;

  @Field(() => Int, { description: 'UCI threshold in percent (REPORTING_UCI_THRESHOLD)' })
  uciThreshold!: number;

  @Field(() => Boolean, { description: 'True when a small count is hidden in this view' })
  suppressed!: boolean;
}

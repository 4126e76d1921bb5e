import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import { Area, AreaLevel } from '../area/area.type.js';

@ObjectType('CoverageRow', { description: 'Target, achieved and percentage of one area for one programme and dose' })
export class CoverageRow {
  @Field(() => Area)
  area!: Area;

  @Field(() => AreaLevel)
  level!: AreaLevel;

  @Field(() => Boolean, { description: 'True for the city total (the last row of a list)' })
  isTotal!: boolean;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  dose!: string;

  @Field(() => DateScalar, { description: 'The day the numbers are for (YYYY-MM-DD, Asia/Jakarta)' })
  asOf!: string;

  @Field(() => Int, { nullable: true, description: 'Target population in force on asOf (own target, else the sum of sub-areas); null when none' })
  target?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Distinct people with a valid dose of this kind, counted by kelurahan of residence; null when suppressed',
  })
  achieved?: number | null;

  @Field(() => Float, { nullable: true, description: 'achieved / target x 100, rounded half-up to 2 decimals; null without target or when suppressed' })
  percentage?: number | null;

  @Field(() => Boolean, { description: 'True when a small count is hidden in this view (partners and the public)' })
  suppressed!: boolean;
}

import { Field, InputType, Int, ObjectType } from 'type-graphql';

@InputType('TargetInput', { description: 'One target population: area, programme, dose (or cohort), year and the dates it is in force' })
export class TargetInput {
  @Field(() => String, { description: 'Kemendagri code of the city, a kecamatan or a kelurahan' })
  areaCode!: string;

  @Field(() => String, { description: 'COVID19, ROUTINE_CHILD, …' })
  programme!: string;

  @Field(() => String, { description: 'Dose kind (BOOSTER_1, MR1, …) or cohort key' })
  dose!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default 1 January of the year' })
  effectiveFrom?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default open-ended (until a newer target starts)' })
  effectiveTo?: string;

  @Field(() => Int, { description: 'Target population' })
  population!: number;
}

@ObjectType('TargetImportResult')
export class TargetImportResult {
  @Field(() => Int, { description: 'Rows imported' })
  imported!: number;

  @Field(() => Int, { description: 'New targets' })
  created!: number;

  @Field(() => Int, { description: 'Existing targets (same area, programme, dose, year and effective date) replaced' })
  updated!: number;
}

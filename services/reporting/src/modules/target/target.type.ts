import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '@victori/shared';

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

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD; default 1 January of the year' })
  effectiveFrom?: string;

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD; default open-ended (until a newer target starts)' })
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

@ObjectType('TargetPreviewRow', { description: 'One valid row of a target file, with the target it would replace' })
export class TargetPreviewRow {
  @Field(() => Int, { description: 'CSV line (header = line 1)' })
  row!: number;

  @Field(() => String)
  areaCode!: string;

  @Field(() => String)
  areaName!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  dose!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => String)
  effectiveFrom!: string;

  @Field(() => String, { nullable: true })
  effectiveTo?: string | null;

  @Field(() => Int)
  population!: number;

  @Field(() => Int, { nullable: true, description: 'The target saved now for the same key; null when the row is new' })
  currentPopulation?: number | null;
}

@ObjectType('TargetProblem', { description: 'A problem with one row (or the whole file when row is 0)' })
export class TargetProblem {
  @Field(() => Int)
  row!: number;

  @Field(() => String, { description: 'csv[line N].field, or rows' })
  field!: string;

  @Field(() => String)
  messageId!: string;

  @Field(() => String)
  messageEn!: string;
}

@ObjectType('TargetImportPreview', { description: 'What importTargets would do with this file; nothing is saved' })
export class TargetImportPreview {
  @Field(() => [TargetPreviewRow])
  rows!: TargetPreviewRow[];

  @Field(() => [TargetProblem], { description: 'Every problem; importTargets refuses the whole file while there is any' })
  problems!: TargetProblem[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;
}

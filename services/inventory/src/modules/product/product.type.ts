import { Directive, Field, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType('VaccineProduct', { description: 'A vaccine product of the catalogue' })
export class VaccineProduct {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  manufacturer!: string;

  @Field(() => [String], { description: 'Antigens the product covers' })
  antigens!: string[];

  @Field(() => String, { description: 'COVID19, ROUTINE_CHILD, SCHOOL_BIAS, …' })
  programme!: string;

  @Field(() => String)
  presentation!: string;

  @Field(() => Int)
  dosesPerVial!: number;

  @Field(() => Int)
  minAgeMonths!: number;

  @Field(() => Int, { nullable: true })
  maxAgeMonths?: number;

  @Field(() => [String], { description: 'Dose kinds this product may be used for' })
  doseKinds!: string[];

  @Field(() => Boolean)
  usesVvm!: boolean;

  @Field(() => Int, { nullable: true, description: 'Hours an opened multi-dose vial may be used' })
  openVialHours?: number;

  @Field(() => String, { nullable: true, description: 'KFA (Kamus Farmasi dan Alat Kesehatan) code where known' })
  kfaCode?: string;

  @Field(() => String, { nullable: true })
  cvxCode?: string;
}

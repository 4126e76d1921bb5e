import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '@victori/shared';

export enum DeclaredDoseStatusEnum {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
  NATIONAL = 'NATIONAL',
}
registerEnumType(DeclaredDoseStatusEnum, {
  name: 'DeclaredDoseStatus',
  description: 'PENDING, CONFIRMED (a dose record with source DECLARED exists), REJECTED, or NATIONAL (found in SATUSEHAT)',
});

@ObjectType('DeclaredDose', {
  description: 'A dose given elsewhere as the citizen declared it; counts in the forecast as DECLARED until a health worker decides',
})
export class DeclaredDose {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  doseKind!: string;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  givenOn!: string;

  @Field(() => String, { description: 'Where it was given, as declared (e.g. "RS Kariadi", "Posyandu Melati, Demak")' })
  place!: string;

  @Field(() => String, { nullable: true })
  lotNumber?: string | null;

  @Field(() => DeclaredDoseStatusEnum, {
    description: 'PENDING, CONFIRMED (a dose record with source DECLARED exists), REJECTED, or NATIONAL (found in SATUSEHAT)',
  })
  status!: string;

  @Field(() => ID, { nullable: true, description: 'The dose record written at confirmation' })
  doseRecordId?: string | null;

  @Field(() => String, { nullable: true })
  rejectReason?: string | null;
}

@InputType('DeclarePastDoseInput', { description: 'A dose given before this platform or elsewhere, told by the person or a guardian' })
export class DeclarePastDoseInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String, { description: 'Dose of the schedule, e.g. BCG, DPT-HB-HIB1, PRIMARY_1' })
  doseKind!: string;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  givenOn!: string;

  @Field(() => String)
  place!: string;

  @Field(() => String, { nullable: true })
  lotNumber?: string;
}

@InputType('ConfirmDeclaredDoseInput', {
  description: 'What the health worker reads off the evidence (KIA book, vaccination card) when confirming',
})
export class ConfirmDeclaredDoseInput {
  @Field(() => ID)
  declaredDoseId!: string;

  @Field(() => String, { description: 'Vaccine product as on the evidence' })
  productCode!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the declared lot; UNKNOWN when none is known' })
  lotNumber?: string;
}

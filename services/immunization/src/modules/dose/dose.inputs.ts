import { Field, ID, InputType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '@victori/shared';

@InputType('RecordDoseInput')
export class RecordDoseInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => String, { description: 'COVID19, ROUTINE_CHILD, …' })
  programme!: string;

  @Field(() => String, { description: 'The dose given: PRIMARY_1, HB0, DPT-HB-HIB1, …' })
  doseKind!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => String)
  lotNumber!: string;

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD' })
  expirationDate?: string;

  @Field(() => DateTimeScalar, { description: 'ISO date-time with offset' })
  administeredAt!: string;

  @Field(() => ID, { nullable: true })
  appointmentId?: string;

  @Field(() => String, { nullable: true, description: 'The code on the booking slip' })
  slipCode?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why the dose is given against an appointment of another day (required then; 3-500 characters)',
  })
  reason?: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'A UUID the recording device made for this entry: the idempotency key, unique per facility. The same id with the same dose returns the first record; with another dose IDEMPOTENCY_CONFLICT',
  })
  clientRecordId?: string;

  @Field(() => String, { nullable: true, description: 'Who gave the dose, when not the signed-in account (2-100 characters)' })
  vaccinatorName?: string;
}

@InputType('CorrectDoseInput', { description: 'Supersedes a record; without `replacement` the record is voided' })
export class CorrectDoseInput {
  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => RecordDoseInput, { nullable: true, description: 'The corrected record (personId must stay the same)' })
  replacement?: RecordDoseInput;
}

@InputType('RecordAdverseEventInput')
export class RecordAdverseEventInput {
  @Field(() => ID)
  doseRecordId!: string;

  @Field(() => DateTimeScalar, { description: 'ISO date-time' })
  onsetAt!: string;

  @Field(() => String, { description: 'NON_SERIOUS or SERIOUS' })
  severity!: string;

  @Field(() => [String])
  symptoms!: string[];

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { defaultValue: 'UNKNOWN', description: 'RECOVERED, RECOVERING, NOT_RECOVERED, HOSPITALISED, DIED, UNKNOWN' })
  outcome!: string;
}

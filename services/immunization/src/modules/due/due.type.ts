import { Field, ID, ObjectType } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import { DoseForecast } from '../forecast/forecast.type.js';

@ObjectType('DueChild', {
  description:
    "A child living in the kelurahan a facility serves with doses of the routine schedule due or overdue on a date: the posyandu's list before going out",
})
export class DueChild {
  @Field(() => ID, { description: 'The person in the registry (recordDose personId)' })
  personId!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { nullable: true })
  nikMasked?: string | null;

  @Field(() => DateScalar)
  birthDate!: string;

  @Field(() => String)
  sex!: string;

  @Field(() => String)
  residenceKelurahanCode!: string;

  @Field(() => String, { description: 'The schedule the doses belong to (ROUTINE_CHILD)' })
  programme!: string;

  @Field(() => [DoseForecast], { description: 'Doses DUE or OVERDUE on the date, in schedule order' })
  dueDoses!: DoseForecast[];
}

import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar, SexEnum } from '@victori/shared';

@InputType('RegisterPersonInput', { description: 'An adult, identified by NIK' })
export class RegisterPersonInput {
  @Field(() => String)
  nik!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'YYYY-MM-DD. Required; null (left empty) is reported as a field error together with every other mistake of the form',
  })
  birthDate!: string;

  @Field(() => SexEnum, {
    nullable: true,
    description: 'MALE or FEMALE. Required; null (left empty) is reported as a field error together with every other mistake of the form',
  })
  sex!: string;

  @Field(() => String, { description: 'Kelurahan code of residence (coverage is counted there)' })
  residenceKelurahanCode!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'To claim a record a health facility already holds for this NIK (e.g. from a walk-in): the one-time code a health worker there hands over (issuePersonClaimCode)',
  })
  claimCode?: string;
}

@InputType('RegisterChildInput', { description: "A child registered by a parent; the mother's NIK identifies a newborn without NIK" })
export class RegisterChildInput {
  @Field(() => String)
  fullName!: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'YYYY-MM-DD. Required; null (left empty) is reported as a field error together with every other mistake of the form',
  })
  birthDate!: string;

  @Field(() => SexEnum, {
    nullable: true,
    description: 'MALE or FEMALE. Required; null (left empty) is reported as a field error together with every other mistake of the form',
  })
  sex!: string;

  @Field(() => Int, { nullable: true })
  birthWeightGrams?: number;

  @Field(() => String, { nullable: true, description: "The child's own NIK, when it has one" })
  nik?: string;

  @Field(() => String, { nullable: true, description: "The mother's NIK; required when the child has no NIK yet" })
  motherNik?: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Proof that links the child to motherNik from a citizen account: the one-time claim code a health worker issued for the mother's record (issuePersonClaimCode). Without it (and unless the account is the mother's own) the link stays PENDING until a health worker confirms it",
  })
  motherClaimCode?: string;

  @Field(() => String)
  residenceKelurahanCode!: string;

  @Field(() => String, {
    defaultValue: 'MOTHER',
    description: 'MOTHER, FATHER or GUARDIAN: how the registering citizen relates to the child',
  })
  relationship!: string;
}

@InputType('AssignChildNikInput', { description: "The child's NIK once the civil registry has issued it" })
export class AssignChildNikInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  nik!: string;
}

@InputType('AddGuardianInput', { description: 'Another citizen account (e.g. the other parent) that may act for the person' })
export class AddGuardianInput {
  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  accountId!: string;

  @Field(() => String)
  relationship!: string;
}

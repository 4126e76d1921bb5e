import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, SexEnum } from '@victori/shared';
import { AreaRef } from '../../external/area.stub.js';

export enum MotherLinkEnum {
  CONFIRMED = 'CONFIRMED',
  PENDING = 'PENDING',
}
registerEnumType(MotherLinkEnum, {
  name: 'MotherLink',
  description: 'Whether the mother’s NIK of a child is proven (CONFIRMED) or waits for a health worker (PENDING)',
});

@Directive('@key(fields: "id")')
@ObjectType('Person', {
  description:
    'A person in the immunization registry; visible to the person, their guardians, health workers of a linked facility and admins',
})
export class Person {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { nullable: true, description: 'The NIK with all but the last four digits hidden; null while a child has none' })
  nikMasked?: string | null;

  @Field(() => Boolean)
  hasNik!: boolean;

  @Field(() => String, { nullable: true, description: "Mother's NIK, masked (children registered without their own NIK)" })
  motherNikMasked?: string | null;

  @Field(() => MotherLinkEnum, {
    nullable: true,
    description:
      "CONFIRMED when the mother's NIK is proven (health worker, the mother's own account or her claim code); PENDING until a health worker confirms it at a visit",
  })
  motherLink?: string | null;

  @Field(() => DateScalar, { description: 'Birth date, YYYY-MM-DD' })
  birthDate!: string;

  @Field(() => SexEnum, { description: 'MALE or FEMALE' })
  sex!: string;

  @Field(() => Int, { nullable: true, description: 'Birth weight in grams (children)' })
  birthWeightGrams?: number | null;

  @Field(() => Boolean)
  isChild!: boolean;

  @Field(() => String)
  residenceKelurahanCode!: string;

  // Resolved by reporting: nullable so that reporting being down costs this field, not the person.
  @Field(() => AreaRef, { nullable: true, description: 'Kelurahan of residence' })
  residence!: AreaRef;
}

@ObjectType('PersonClaimCode', {
  description:
    'A one-time code, handed to the person in front of the health worker, with which their own citizen account claims the record',
})
export class PersonClaimCode {
  @Field(() => String)
  code!: string;

  @Field(() => DateTimeScalar, { description: 'ISO date-time after which the code no longer works' })
  expiresAt!: string;
}

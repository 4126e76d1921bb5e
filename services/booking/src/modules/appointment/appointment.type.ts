import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar, SexEnum } from '@victori/shared';
import { VaccineProductRef } from '../../external/product.stub.js';
import { Facility } from '../facility/facility.type.js';
import { Session, Slot } from '../session/session.type.js';

export enum AppointmentStatusEnum {
  BOOKED = 'BOOKED',
  CHECKED_IN = 'CHECKED_IN',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}
registerEnumType(AppointmentStatusEnum, {
  name: 'AppointmentStatus',
  description: 'Where an appointment is: booked, checked in at the visit, completed, cancelled, or a no-show',
});

export enum AppointmentDoseStatusEnum {
  BOOKED = 'BOOKED',
  GIVEN = 'GIVEN',
  NOT_GIVEN = 'NOT_GIVEN',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}
registerEnumType(AppointmentDoseStatusEnum, {
  name: 'AppointmentDoseStatus',
  description: 'One antigen of a visit: BOOKED (waiting to be given), GIVEN, NOT_GIVEN, CANCELLED or NO_SHOW',
});

@ObjectType('AppointmentDose', { description: 'One antigen of a visit' })
export class AppointmentDose {
  @Field(() => String)
  doseKind!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => AppointmentDoseStatusEnum, { description: 'BOOKED (waiting to be given), GIVEN, NOT_GIVEN, CANCELLED or NO_SHOW' })
  status!: string;
}

// An entity so that other subgraphs can add to it (feedback: the visit's survey, Appointment.survey); not
// resolvable here: no subgraph hands booking an appointment reference, so every appointment still comes
// through booking's policy. Appointment.person is booking's own field, to the registry's Person.
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Appointment', {
  description: 'A booked (or walk-in) place in a session; visible to the person who booked, the facility’s health workers and admins',
})
export class Appointment {
  @Field(() => ID)
  id!: string;

  @Field(() => AppointmentStatusEnum, { description: 'BOOKED, CHECKED_IN, COMPLETED, CANCELLED or NO_SHOW' })
  status!: string;

  @Field(() => Int, { description: 'Queue number, unique and gap-free within the session' })
  queueNumber!: number;

  @Field(() => String, { description: 'Short verification code printed on the slip; the vaccinator enters it when recording the dose' })
  slipCode!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  doseKind!: string;

  @Field(() => String)
  productCode!: string;

  // Resolved by inventory: null (with an error naming it) when inventory is down, never the whole appointment.
  @Field(() => VaccineProductRef, { nullable: true })
  product!: VaccineProductRef;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  sessionDate!: string;

  @Field(() => Session)
  session?: Session;

  @Field(() => Slot)
  slot?: Slot;

  @Field(() => Facility)
  facility?: Facility;

  @Field(() => Boolean)
  walkIn!: boolean;

  @Field(() => [AppointmentDose], {
    description: 'The antigens of this visit, each with its own status (one for a single-vaccine appointment)',
  })
  doses?: AppointmentDose[];

  @Field(() => String, { description: 'Full name of the person to be vaccinated' })
  fullName?: string;

  @Field(() => String, { description: 'NIK with all but the last four digits hidden' })
  maskedNik?: string;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD' })
  birthDate!: string;

  @Field(() => SexEnum, { description: 'MALE or FEMALE' })
  sex!: string;

  @Field(() => String)
  residenceKelurahanCode!: string;

  @Field(() => DateTimeScalar)
  bookedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  checkedInAt?: string;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt?: string;

  @Field(() => DateTimeScalar, { nullable: true })
  cancelledAt?: string;

  sessionId!: string;
  slotId!: string;
  facilityId!: string;
  nikEnc!: string;
  nameEnc!: string;
  /** The identity key: the NIK hash, or `person:<registry id>` when booked by registry id. */
  identityKey!: string;
}

export const AppointmentConnection = connectionType('Appointment', Appointment, {
  totalDescription: 'Appointments of the caller, over all pages',
});

@InputType('BookAppointmentInput')
export class BookAppointmentInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'Registry id (Person.id in immunization) of a dependant to book for, e.g. a child without NIK: a guardian signed in as citizen; nik, birthDate and sex are then taken from the registry',
  })
  personId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'With personId and no citizen account: the 16-digit NIK of the child’s mother (a link the registry confirmed), proven by motherSlipCode',
  })
  motherNik?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The slip code of one of the mother’s own appointments (proof that she is the NIK holder)',
  })
  motherSlipCode?: string | null;

  @Field(() => String, { nullable: true, description: '16-digit NIK of the person to be vaccinated (required without personId)' })
  nik?: string | null;

  @Field(() => String, { nullable: true, description: 'Required without personId; optional with it (shown on the day list)' })
  fullName?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD; must agree with the NIK (required without personId)' })
  birthDate?: string | null;

  @Field(() => SexEnum, { nullable: true, description: 'MALE or FEMALE; must agree with the NIK (required without personId)' })
  sex?: string | null;

  @Field(() => String, { description: 'Mobile number of whoever books (one phone may book for a few family members)' })
  phone!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Kelurahan of residence in Kota Semarang, e.g. 33.74.01.1001 (required without personId)',
  })
  residenceKelurahanCode?: string | null;

  @Field(() => String, { description: 'PRIMARY_1, PRIMARY_2, BOOSTER_1, BOOSTER_2, …' })
  doseKind!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'One visit, several vaccines: further doses due on the visit date that the session offers (its other products); each holds its own unit of stock, under one place, slip code and queue number',
  })
  moreDoseKinds?: string[] | null;

  @Field(() => ID)
  slotId!: string;
}

@InputType('AppointmentVerificationInput', { description: 'Proves the caller holds the slip: the NIK and the slip code' })
export class AppointmentVerificationInput {
  @Field(() => String)
  nik!: string;

  @Field(() => String)
  slipCode!: string;
}

@InputType('WalkInInput')
export class WalkInInput {
  @Field(() => ID)
  sessionId!: string;

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

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String)
  residenceKelurahanCode!: string;

  @Field(() => String)
  doseKind!: string;
}

import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, DateScalar } from '@victori/shared';
import { VaccineProductRef } from '../../external/product.stub.js';
import { Facility } from '../facility/facility.type.js';

export enum SessionStatusEnum {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(SessionStatusEnum, { name: 'SessionStatus', description: 'OPEN for booking, or CLOSED' });

@ObjectType('Slot', { description: 'A time window of a session with its own capacity' })
export class Slot {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  startTime!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  endTime!: string;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int, { description: 'Places still bookable now: free capacity, capped by the usable stock left' })
  remainingPlaces!: number;

  sessionId!: string;
  booked!: number;
}

@ObjectType('SessionOffer', { description: 'A product a session offers, the doses it serves there, and its stock left to book' })
export class SessionOffer {
  @Field(() => String)
  productCode!: string;

  @Field(() => [String])
  doseKinds!: string[];

  @Field(() => Int, { description: 'Usable doses of this product at the facility not yet promised to live appointments' })
  stockLeft!: number;
}

@InputType('SessionProductInput', {
  description: 'A further product of the same programme the session offers (one visit, several vaccines)',
})
export class SessionProductInput {
  @Field(() => String)
  productCode!: string;

  @Field(() => [String])
  doseKinds!: string[];
}

@Directive('@key(fields: "id")')
@ObjectType('Session', { description: 'A vaccination session: a facility, a date and time window, a product and the dose kinds it serves' })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => Facility)
  facility?: Facility;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD, Asia/Jakarta' })
  date!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  startTime!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  endTime!: string;

  @Field(() => String, { description: 'COVID19, ROUTINE_CHILD, SCHOOL_BIAS, …' })
  programme!: string;

  @Field(() => String)
  productCode!: string;

  // Resolved by inventory: null (with an error naming it) when inventory is down, never the whole session.
  @Field(() => VaccineProductRef, { nullable: true })
  product!: VaccineProductRef;

  @Field(() => [String], { description: 'Dose kinds served, e.g. PRIMARY_1, BOOSTER_1' })
  doseKinds!: string[];

  @Field(() => Int, { nullable: true, description: 'School programmes: the grade this session is for; its doses are decided by the grade' })
  schoolGrade?: number;

  @Field(() => Int, { description: 'Places over all slots' })
  capacity!: number;

  @Field(() => Int, { description: 'Places still bookable now (0 when closed): free capacity capped by the usable stock left' })
  remainingPlaces!: number;

  @Field(() => Int, { description: 'People vaccinated in this session so far' })
  servedCount!: number;

  @Field(() => SessionStatusEnum, { description: 'OPEN or CLOSED' })
  status!: string;

  @Field(() => [Slot])
  slots?: Slot[];

  @Field(() => [SessionOffer], {
    description: 'Every product the session offers (its main product first), for one visit with several vaccines',
  })
  offers?: SessionOffer[];

  facilityId!: string;
  booked!: number;
  /** Usable doses at the facility not yet promised to live appointments. */
  stockFree!: number;
}

export const SessionConnection = connectionType('Session', Session, { totalDescription: 'Sessions matching the filter, over all pages' });

@InputType('SessionFilter')
export class SessionFilter {
  @Field(() => String, { nullable: true })
  kecamatanCode?: string;

  @Field(() => String, { nullable: true })
  kelurahanCode?: string;

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD, inclusive' })
  dateFrom?: string;

  @Field(() => DateScalar, { nullable: true, description: 'YYYY-MM-DD, inclusive' })
  dateTo?: string;

  @Field(() => String, { nullable: true })
  programme?: string;

  @Field(() => String, { nullable: true })
  productCode?: string;

  @Field(() => [String], { nullable: true, description: 'Any of these products' })
  productCodes?: string[];

  @Field(() => String, { nullable: true })
  doseKind?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only open, not yet past sessions with places left' })
  hasPlaces?: boolean;
}

@InputType('CreateSessionInput')
export class CreateSessionInput {
  @Field(() => ID)
  facilityId!: string;

  @Field(() => DateScalar, { description: 'YYYY-MM-DD, today or later (Asia/Jakarta)' })
  date!: string;

  @Field(() => String, { description: 'HH:MM' })
  startTime!: string;

  @Field(() => String, { description: 'HH:MM' })
  endTime!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the product’s programme' })
  programme?: string;

  @Field(() => String, { description: 'Vaccine product code of the catalogue, e.g. PFIZER' })
  productCode!: string;

  @Field(() => [String])
  doseKinds!: string[];

  @Field(() => Int, { description: 'Places over the whole session, split evenly over the slots' })
  capacity!: number;

  @Field(() => Int, { nullable: true, description: 'Slot length in minutes (default from configuration, 30)' })
  slotMinutes?: number;

  @Field(() => [SessionProductInput], {
    nullable: true,
    description: 'Further products offered at the same visit (each with its dose kinds), e.g. OPV and PCV beside the main product',
  })
  moreProducts?: SessionProductInput[];

  @Field(() => Int, {
    nullable: true,
    description: 'School programmes (BIAS): the grade the session is for; every dose kind must be one the schedule gives in that grade',
  })
  schoolGrade?: number;
}

@InputType('UpdateSessionInput', { description: 'Only the fields given change' })
export class UpdateSessionInput {
  @Field(() => Int, { nullable: true, description: 'May not go below the places already booked' })
  capacity?: number;

  @Field(() => [String], { nullable: true })
  doseKinds?: string[];

  @Field(() => DateScalar, { nullable: true, description: 'Only while nothing is booked' })
  date?: string;

  @Field(() => String, { nullable: true, description: 'Only while nothing is booked' })
  startTime?: string;

  @Field(() => String, { nullable: true, description: 'Only while nothing is booked' })
  endTime?: string;

  @Field(() => Int, { nullable: true, description: 'Only while nothing is booked' })
  slotMinutes?: number;

  @Field(() => String, { nullable: true, description: 'Only while nothing is booked' })
  productCode?: string;
}

export enum SessionWarningCode {
  NO_USABLE_STOCK = 'NO_USABLE_STOCK',
  STOCK_BELOW_CAPACITY = 'STOCK_BELOW_CAPACITY',
}
registerEnumType(SessionWarningCode, {
  name: 'SessionWarningCode',
  description: 'Why a planned session may not be able to serve every place it offers',
});

@ObjectType('SessionWarning', { description: 'Something the planner should know; the session was saved anyway' })
export class SessionWarning {
  @Field(() => SessionWarningCode)
  code!: SessionWarningCode;

  @Field(() => String, { description: 'Indonesian' })
  message!: string;

  @Field(() => String)
  messageEn!: string;

  @Field(() => Int, { description: 'Usable doses of the product at the facility not yet promised to appointments' })
  usableStock!: number;

  @Field(() => Int, { description: 'Places of the session still open to booking' })
  openPlaces!: number;
}

@ObjectType('SessionPayload', { description: 'The session as saved, with warnings that did not stop the change' })
export class SessionResult {
  @Field(() => Session)
  session!: Session;

  @Field(() => [SessionWarning])
  warnings!: SessionWarning[];
}

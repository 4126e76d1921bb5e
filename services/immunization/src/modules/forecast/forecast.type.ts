import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DoseTimingEnum } from '@victori/shared';
import { SessionRef } from '../../external/session.stub.js';
import { FacilityRef } from '../../external/facility.stub.js';

export enum IndicatorStateEnum {
  COMPLETE = 'COMPLETE',
  COMPLETED_LATE = 'COMPLETED_LATE',
  IN_PROGRESS = 'IN_PROGRESS',
  NOT_ACHIEVED = 'NOT_ACHIEVED',
}
registerEnumType(IndicatorStateEnum, { name: 'IndicatorState', description: 'Where a child stands on an indicator (IDL, IBL)' });

export enum DoseForecastStatus {
  GIVEN_VALID = 'GIVEN_VALID',
  GIVEN_INVALID = 'GIVEN_INVALID',
  DUE = 'DUE',
  OVERDUE = 'OVERDUE',
  UPCOMING = 'UPCOMING',
  NO_LONGER_NEEDED = 'NO_LONGER_NEEDED',
}
registerEnumType(DoseForecastStatus, { name: 'DoseForecastStatus' });

@ObjectType('DoseForecast', { description: 'One dose of the schedule for one person on one date' })
export class DoseForecast {
  @Field(() => String)
  antigen!: string;

  @Field(() => String)
  doseKind!: string;

  @Field(() => Int)
  doseNumber!: number;

  @Field(() => DoseForecastStatus)
  status!: DoseForecastStatus;

  @Field(() => DoseTimingEnum, { nullable: true, description: 'ON_TIME or CATCH_UP (given valid doses)' })
  timing?: string | null;

  @Field(() => String, { nullable: true, description: 'Why a given dose does not count, or why a dose is no longer needed' })
  reason?: string | null;

  @Field(() => ID, { nullable: true, description: 'The dose record, or the declared dose while source is DECLARED' })
  doseRecordId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'For given doses: RECORDED (a dose record), DECLARED (told by the citizen, not yet confirmed) or NATIONAL (found in SATUSEHAT)',
  })
  source?: string | null;

  @Field(() => DateScalar, { nullable: true })
  givenOn?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'First date the dose would be valid' })
  earliestDate?: string | null;

  @Field(() => DateScalar, { nullable: true })
  recommendedDate?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'From this date the dose is overdue (catch-up)' })
  overdueFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last date the dose may be given (maximum age)' })
  latestDate?: string | null;

  @Field(() => [String], { description: 'Products that give this dose' })
  productCodes!: string[];
}

@ObjectType('ImmunizationIndicator', { description: 'A data-defined completeness indicator such as IDL or IBL' })
export class ImmunizationIndicator {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => IndicatorStateEnum, { description: 'COMPLETE, COMPLETED_LATE, IN_PROGRESS or NOT_ACHIEVED' })
  state!: string;

  @Field(() => DateScalar)
  deadline!: string;

  @Field(() => DateScalar, { nullable: true })
  completedOn?: string | null;

  @Field(() => [String])
  missingDoseKinds!: string[];
}

@ObjectType('ImmunizationForecast', { description: "A person's schedule on a date" })
export class ImmunizationForecast {
  @Field(() => ID)
  personId!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  scheduleId!: string;

  @Field(() => String)
  scheduleVersion!: string;

  @Field(() => DateScalar)
  asOf!: string;

  @Field(() => Boolean, { description: "Whether the schedule applies at the person's age" })
  applies!: boolean;

  @Field(() => [DoseForecast])
  doses!: DoseForecast[];

  @Field(() => [ImmunizationIndicator])
  indicators!: ImmunizationIndicator[];
}

@ObjectType('DueSession', { description: 'A session where doses the person needs are in stock and have places' })
export class DueSession {
  @Field(() => ID)
  sessionId!: string;

  @Field(() => DateScalar)
  date!: string;

  @Field(() => String)
  startTime!: string;

  @Field(() => String)
  endTime!: string;

  @Field(() => String)
  programme!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => Int)
  remainingPlaces!: number;

  @Field(() => Int, { nullable: true, description: 'Usable doses of the product at the facility (inventory)' })
  usableDoses?: number | null;

  @Field(() => String)
  facilityName!: string;

  @Field(() => FacilityRef)
  facility!: FacilityRef;

  @Field(() => SessionRef, { description: 'The bookable session itself (booking): its slots and places, so no second call is needed' })
  session!: SessionRef;

  @Field(() => [DoseForecast], { description: 'The doses the person can get at this session' })
  doses!: DoseForecast[];
}

import { registerEnumType } from 'type-graphql';

/**
 * Enums that more than one subgraph declares (composition requires their definitions to be identical,
 * so they are defined once here). Enums of one subgraph live in that subgraph's types.
 */
export enum SexEnum {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}
registerEnumType(SexEnum, { name: 'Sex', description: 'Sex as on the ID card (KTP) or birth certificate' });

/** When a valid dose was given relative to its schedule (dose records and the forecast). */
export enum DoseTimingEnum {
  ON_TIME = 'ON_TIME',
  CATCH_UP = 'CATCH_UP',
}
registerEnumType(DoseTimingEnum, { name: 'DoseTiming', description: 'ON_TIME within the schedule, CATCH_UP after it' });

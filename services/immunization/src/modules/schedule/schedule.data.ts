// The schedule data, the engine and the calendar arithmetic live in the shared library
// (shared/src/schedule/), so that booking decides eligibility from the same versioned rows that this
// service's forecast evaluates (issue 15, item 2). These modules keep immunization's imports stable.
export { findDose, parseSchedule, scheduleFiles, scheduleFor, scheduleForDose, scheduleForPerson, schedules } from '@victori/shared';
export type { IndicatorDefinition, Schedule, ScheduleDose, ScheduleSeries } from '@victori/shared';

// See schedule.data.ts: the calendar arithmetic is shared with booking.
export { addDays, addDuration, daysBetween, isIsoDate, jakartaDate, maxDate, parseDuration } from '@victori/shared';
export type { Duration } from '@victori/shared';

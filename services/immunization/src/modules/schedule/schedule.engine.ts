// See schedule.data.ts: the engine is shared with booking.
export { forecast, givableOn, judgeGiven, scheduleApplies } from '@victori/shared';
export type { DoseForecast, DoseStatus, DoseTiming, Forecast, GivenDose, IndicatorState, IndicatorStatus } from '@victori/shared';

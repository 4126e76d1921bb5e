import { addDuration, daysBetween, maxDate } from './dates.js';
import type { Schedule, ScheduleDose, ScheduleSeries } from './data.js';

export type DoseStatus = 'GIVEN_VALID' | 'GIVEN_INVALID' | 'DUE' | 'OVERDUE' | 'UPCOMING' | 'NO_LONGER_NEEDED';
export type DoseTiming = 'ON_TIME' | 'CATCH_UP';
export type IndicatorState = 'COMPLETE' | 'COMPLETED_LATE' | 'IN_PROGRESS' | 'NOT_ACHIEVED';

/** A dose the person received (only active, non-superseded records). */
export interface GivenDose {
  id: string;
  doseKind: string;
  /** Date of administration, YYYY-MM-DD (Asia/Jakarta). */
  givenOn: string;
}

export interface DoseForecast {
  antigen: string;
  doseKind: string;
  doseNumber: number;
  status: DoseStatus;
  /** Given valid doses only. */
  timing?: DoseTiming;
  /** Why a given dose does not count, or why a dose is no longer needed. */
  reason?: string;
  doseRecordId?: string;
  givenOn?: string;
  /** Not yet given: the first date on which the dose would be valid. */
  earliestDate?: string;
  /** Not yet given: the date the schedule recommends (never before earliestDate). */
  recommendedDate?: string;
  /** From this date the dose is late (catch-up). */
  overdueFrom?: string;
  /** The last date the dose may be given (maximum age). */
  latestDate?: string;
  reasonCodes: string[];
}

export interface IndicatorStatus {
  code: string;
  name: string;
  state: IndicatorState;
  deadline: string;
  completedOn?: string;
  missingDoseKinds: string[];
}

export interface Forecast {
  scheduleId: string;
  scheduleVersion: string;
  programme: string;
  asOf: string;
  doses: DoseForecast[];
  indicators: IndicatorStatus[];
}

const base = (series: ScheduleSeries, dose: ScheduleDose): Pick<DoseForecast, 'antigen' | 'doseKind' | 'doseNumber' | 'reasonCodes'> => ({
  antigen: series.antigen,
  doseKind: dose.doseKind,
  doseNumber: dose.doseNumber,
  reasonCodes: dose.reasonCodes,
});

/** Why a dose given on `givenOn` does not count, or undefined when it is valid. */
function invalidity(birthDate: string, dose: ScheduleDose, givenOn: string, previousValid: string | undefined): string | undefined {
  if (givenOn < birthDate) return 'Given before the date of birth';
  const minDate = addDuration(birthDate, dose.minimumAge);
  if (givenOn < minDate) {
    return `Too early: given at ${daysBetween(birthDate, givenOn)} days of age, minimum age ${dose.minimumAge.text} (${minDate}); must be repeated`;
  }
  if (previousValid && dose.minIntervalFromPrevious) {
    const intervalDate = addDuration(previousValid, dose.minIntervalFromPrevious);
    if (givenOn < intervalDate) {
      return `Too early: ${daysBetween(previousValid, givenOn)} days after the previous dose, minimum interval ${dose.minIntervalFromPrevious.text} (${intervalDate}); must be repeated`;
    }
  }
  if (dose.maximumAge) {
    const latest = addDuration(birthDate, dose.maximumAge);
    if (givenOn > latest) return `Too late: given after the maximum age ${dose.maximumAge.text} (${latest}); not to be repeated`;
  }
  return undefined;
}

function evaluateSeries(series: ScheduleSeries, birthDate: string, asOf: string, given: GivenDose[], project = true): DoseForecast[] {
  const kinds = new Set(series.doses.map((d) => d.doseKind));
  const order = new Map(series.doses.map((d, i) => [d.doseKind, i]));
  const records = given
    .filter((g) => kinds.has(g.doseKind))
    .sort((a, b) => a.givenOn.localeCompare(b.givenOn) || order.get(a.doseKind)! - order.get(b.doseKind)!);
  const out: DoseForecast[] = [];
  let slot = 0;
  let previousValid: string | undefined;
  let stopped = false;
  // Given doses fill the series in order of administration, whatever dose number was written down.
  for (const record of records) {
    const dose = series.doses[slot];
    if (!dose) {
      out.push({
        ...base(series, series.doses[series.doses.length - 1]!),
        status: 'GIVEN_INVALID',
        reason: 'Extra dose: the series was already complete',
        doseRecordId: record.id,
        givenOn: record.givenOn,
      });
      continue;
    }
    const reason = invalidity(birthDate, dose, record.givenOn, previousValid);
    if (reason) {
      out.push({ ...base(series, dose), status: 'GIVEN_INVALID', reason, doseRecordId: record.id, givenOn: record.givenOn });
      // A dose given after the maximum age is not repeated: the series ends there.
      if (reason.startsWith('Too late')) {
        slot += 1;
        stopped = true;
      }
      continue;
    }
    const onTimeBefore = dose.onTimeBefore ? addDuration(birthDate, dose.onTimeBefore) : undefined;
    out.push({
      ...base(series, dose),
      status: 'GIVEN_VALID',
      timing: onTimeBefore ? (record.givenOn < onTimeBefore ? 'ON_TIME' : 'CATCH_UP') : undefined,
      doseRecordId: record.id,
      givenOn: record.givenOn,
    });
    previousValid = record.givenOn;
    slot += 1;
  }
  if (!project) return out;
  // The remaining doses, projected: a dose not yet given can be given today at the earliest.
  let projectedPrevious = previousValid;
  for (const dose of series.doses.slice(slot)) {
    const earliestDate = maxDate(
      addDuration(birthDate, dose.minimumAge),
      projectedPrevious && dose.minIntervalFromPrevious ? addDuration(projectedPrevious, dose.minIntervalFromPrevious) : undefined,
    );
    const recommendedDate = maxDate(addDuration(birthDate, dose.recommendedAge), earliestDate);
    const overdueFrom = dose.onTimeBefore ? addDuration(birthDate, dose.onTimeBefore) : undefined;
    const latestDate = dose.maximumAge ? addDuration(birthDate, dose.maximumAge) : undefined;
    const entry = { ...base(series, dose), earliestDate, recommendedDate, overdueFrom, latestDate };
    if (stopped) {
      out.push({ ...entry, status: 'NO_LONGER_NEEDED', reason: 'The series can no longer be completed' });
      continue;
    }
    if (latestDate && (asOf > latestDate || earliestDate > latestDate)) {
      out.push({ ...entry, status: 'NO_LONGER_NEEDED', reason: `Past the maximum age ${dose.maximumAge!.text} (${latestDate})` });
      stopped = true;
      continue;
    }
    let status: DoseStatus;
    if (asOf < earliestDate) status = 'UPCOMING';
    else if (overdueFrom && asOf >= overdueFrom) status = 'OVERDUE';
    else if (asOf >= recommendedDate) status = 'DUE';
    else status = 'UPCOMING';
    out.push({ ...entry, status });
    projectedPrevious = maxDate(earliestDate, asOf);
  }
  return out;
}

/** Whether the schedule applies to a person of this birth date on this date (children's vs adults' schedules). */
export function scheduleApplies(schedule: Schedule, birthDate: string, asOf: string): boolean {
  if (schedule.appliesFromAge && asOf < addDuration(birthDate, schedule.appliesFromAge)) return false;
  if (schedule.appliesBeforeAge && asOf >= addDuration(birthDate, schedule.appliesBeforeAge)) return false;
  return true;
}

/**
 * Evaluates a person's doses against a schedule on a date: every dose of every series as given
 * (valid or invalid, on time or catch-up), due, overdue, upcoming or no longer needed, plus the
 * schedule's indicators (IDL, IBL). Pure: the rules come from the schedule data only.
 */
export function forecast(schedule: Schedule, birthDate: string, given: GivenDose[], asOf: string): Forecast {
  const doses = schedule.series.flatMap((s) => evaluateSeries(s, birthDate, asOf, given));
  const indicators = schedule.indicators.map((ind): IndicatorStatus => {
    const deadline = addDuration(birthDate, ind.completeBeforeAge);
    const dates = ind.requiredDoseKinds.map((k) => doses.find((d) => d.doseKind === k && d.status === 'GIVEN_VALID')?.givenOn);
    const missingDoseKinds = ind.requiredDoseKinds.filter((_, i) => dates[i] === undefined);
    if (missingDoseKinds.length === 0) {
      const completedOn = maxDate(...dates);
      return {
        code: ind.code,
        name: ind.name,
        deadline,
        completedOn,
        missingDoseKinds,
        state: completedOn < deadline ? 'COMPLETE' : 'COMPLETED_LATE',
      };
    }
    return { code: ind.code, name: ind.name, deadline, missingDoseKinds, state: asOf < deadline ? 'IN_PROGRESS' : 'NOT_ACHIEVED' };
  });
  return { scheduleId: schedule.id, scheduleVersion: schedule.version, programme: schedule.programme, asOf, doses, indicators };
}

/**
 * Only the given doses of one series, judged (valid or not, on time or catch-up): what recording a
 * dose needs, without projecting the rest of the schedule. Same rules as `forecast`.
 */
export function judgeGiven(series: ScheduleSeries, birthDate: string, given: GivenDose[]): DoseForecast[] {
  return evaluateSeries(series, birthDate, '', given, false);
}

/** Not-yet-given doses that may be given on `date` (due, overdue, or upcoming with the earliest date reached). */
export function givableOn(f: Forecast, date: string): DoseForecast[] {
  return f.doses.filter(
    (d) =>
      (d.status === 'DUE' || d.status === 'OVERDUE' || d.status === 'UPCOMING') &&
      d.earliestDate !== undefined &&
      d.earliestDate <= date &&
      (d.latestDate === undefined || date <= d.latestDate),
  );
}

import { readdirSync, readFileSync } from 'node:fs';
import { dataPath } from '../data.js';
import { parseDuration, type Duration } from './dates.js';

/** One dose of a series as the national schedule defines it (see data/schedules/*.json). */
export interface ScheduleDose {
  doseKind: string;
  doseNumber: number;
  recommendedAge: Duration;
  minimumAge: Duration;
  minIntervalFromPrevious?: Duration;
  maximumAge?: Duration;
  onTimeBefore?: Duration;
  /** Product-specific minimum intervals that replace minIntervalFromPrevious at booking (e.g. AstraZeneca's 8 weeks). */
  productMinInterval?: Record<string, Duration>;
  /** School programmes: the grade the dose is given in (BIAS grade 1 DT and MR, …); a session for a grade decides by it. */
  grade?: number;
  reasonCodes: string[];
}

export interface ScheduleSeries {
  antigen: string;
  name: string;
  /** Only for girls (HPV) or boys; absent: everyone. */
  sex?: 'FEMALE' | 'MALE';
  doses: ScheduleDose[];
}

export interface IndicatorDefinition {
  code: string;
  name: string;
  completeBeforeAge: Duration;
  requiredDoseKinds: string[];
}

export interface Schedule {
  id: string;
  version: string;
  programme: string;
  name: string;
  appliesFromAge?: Duration;
  appliesBeforeAge?: Duration;
  series: ScheduleSeries[];
  indicators: IndicatorDefinition[];
}

type Json = Record<string, unknown>;

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
  return v;
}
const optDuration = (o: Json, key: string, where: string): Duration | undefined =>
  o[key] === undefined ? undefined : parseDuration(str(o, key, where));
function strList(o: Json, key: string, where: string, fallback?: string[]): string[] {
  const v = o[key];
  if (v === undefined && fallback) return fallback;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${where}: "${key}" must be a list of strings`);
  return v as string[];
}
function list(o: Json, key: string, where: string): Json[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new Error(`${where}: "${key}" must be a list`);
  return v as Json[];
}

function productIntervals(o: Json, where: string): Record<string, Duration> | undefined {
  const v = o.productMinIntervalFromPrevious;
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`${where}: "productMinIntervalFromPrevious" must be an object`);
  return Object.fromEntries(Object.keys(v).map((code) => [code, parseDuration(str(v as Json, code, where))]));
}

function grade(o: Json, where: string): { grade?: number } {
  const v = o.grade;
  if (v === undefined) return {};
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 12) throw new Error(`${where}: "grade" must be a whole number 1 to 12`);
  return { grade: v };
}

/** Validates a schedule document; a mistake in the data fails at start with where it is. */
export function parseSchedule(doc: unknown, source = 'schedule'): Schedule {
  const o = doc as Json;
  const defaultReasons = strList(o, 'reasonCodes', source);
  const kinds = new Set<string>();
  const series = list(o, 'series', source).map((s, i) => {
    const where = `${source} series[${i}]`;
    const doses = list(s, 'doses', where).map((d, j): ScheduleDose => {
      const at = `${where} doses[${j}]`;
      const doseKind = str(d, 'doseKind', at);
      if (kinds.has(doseKind)) throw new Error(`${at}: dose kind ${doseKind} appears twice`);
      kinds.add(doseKind);
      if (d.doseNumber !== j + 1) throw new Error(`${at}: doseNumber must be ${j + 1}`);
      if (j > 0 && d.minIntervalFromPrevious === undefined) throw new Error(`${at}: later doses need minIntervalFromPrevious`);
      return {
        doseKind,
        doseNumber: Number(d.doseNumber),
        recommendedAge: parseDuration(str(d, 'recommendedAge', at)),
        minimumAge: parseDuration(str(d, 'minimumAge', at)),
        minIntervalFromPrevious: optDuration(d, 'minIntervalFromPrevious', at),
        maximumAge: optDuration(d, 'maximumAge', at),
        onTimeBefore: optDuration(d, 'onTimeBefore', at),
        productMinInterval: productIntervals(d, at),
        ...grade(d, at),
        reasonCodes: strList(d, 'reasonCodes', at, defaultReasons),
      };
    });
    const sex = s.sex;
    if (sex !== undefined && sex !== 'FEMALE' && sex !== 'MALE') throw new Error(`${where}: "sex" must be FEMALE or MALE`);
    const series: ScheduleSeries = { antigen: str(s, 'antigen', where), name: str(s, 'name', where), doses };
    if (sex) series.sex = sex;
    return series;
  });
  const indicators = list(o, 'indicators', source).map((ind, i) => {
    const where = `${source} indicators[${i}]`;
    const required = strList(ind, 'requiredDoseKinds', where);
    for (const k of required) if (!kinds.has(k)) throw new Error(`${where}: unknown dose kind ${k}`);
    return {
      code: str(ind, 'code', where),
      name: str(ind, 'name', where),
      completeBeforeAge: parseDuration(str(ind, 'completeBeforeAge', where)),
      requiredDoseKinds: required,
    };
  });
  return {
    id: str(o, 'id', source),
    version: str(o, 'version', source),
    programme: str(o, 'programme', source),
    name: str(o, 'name', source),
    appliesFromAge: optDuration(o, 'appliesFromAge', source),
    appliesBeforeAge: optDuration(o, 'appliesBeforeAge', source),
    series,
    indicators,
  };
}

/**
 * The schedules in force, one file per programme in data/schedules/: a new programme is a new file
 * there (and its products in data/vaccine-products.csv), no code. Sorted by name so that the
 * children's schedule is tried before the adults' when both could apply (see `scheduleApplies`).
 */
export function scheduleFiles(): string[] {
  return readdirSync(dataPath('schedules'))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

let loaded: Schedule[] | undefined;
/** Every schedule, parsed and validated once; immunization's engine and booking's eligibility both read these. */
export function schedules(): Schedule[] {
  loaded ??= scheduleFiles().map((file) => parseSchedule(JSON.parse(readFileSync(dataPath(`schedules/${file}`), 'utf8')), file));
  return loaded;
}

export function scheduleFor(programme: string): Schedule | undefined {
  return schedules().find((s) => s.programme === programme);
}

/** The schedule as it applies to one person: series restricted to the other sex are left out. */
export function scheduleForPerson(schedule: Schedule, sex: string | undefined): Schedule {
  if (!sex || schedule.series.every((s) => !s.sex || s.sex === sex)) return schedule;
  return { ...schedule, series: schedule.series.filter((s) => !s.sex || s.sex === sex) };
}

/** The schedule that defines a dose kind (MR-BIAS is given with the routine MR product, in the BIAS schedule). */
export function scheduleForDose(doseKind: string): Schedule | undefined {
  return schedules().find((s) => s.series.some((x) => x.doses.some((d) => d.doseKind === doseKind)));
}

/** The series and dose definition a dose kind belongs to. */
export function findDose(
  programme: string,
  doseKind: string,
): { schedule: Schedule; series: ScheduleSeries; dose: ScheduleDose } | undefined {
  const schedule = scheduleFor(programme);
  for (const series of schedule?.series ?? []) {
    const dose = series.doses.find((d) => d.doseKind === doseKind);
    if (dose && schedule) return { schedule, series, dose };
  }
  return undefined;
}

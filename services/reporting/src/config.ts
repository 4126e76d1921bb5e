import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, Env, type ServiceConfig } from '@victori/shared';

/** Reporting's own settings (REPORTING_*), beside the shared ServiceConfig. */
export interface ReportingConfig {
  /** Counts below this at kelurahan level are suppressed in partner and public views. */
  suppressionThreshold: number;
  /** A kelurahan is UCI when its IDL rate is at or above this percentage. */
  uciThresholdPercent: number;
  /** Calendar days are counted in this time zone. */
  timeZone: string;
  /** Average daily administered doses over this many days gives days of stock. */
  daysOfStockWindow: number;
  /** Stock-out days are counted over this many days ending on the row's day. */
  stockOutWindow: number;
  indicatorsFile: string;
  dhis2MappingFile: string;
}

export interface IndicatorDefinitions {
  childProgramme: string;
  idl: { doseKinds: string[]; beforeAgeMonths: number };
  ibl: { doseKinds: string[]; beforeAgeMonths: number };
  dropout: { first: string; last: string };
  wastage: { administeredReason: string; usedReasons: string[]; receivedReasons: string[] };
}

export interface Dhis2Mapping {
  orgUnits: Record<string, string>;
  dataElements: Record<string, string>;
  categoryOptionCombos: Record<string, string>;
}

const dataFile = (name: string): string => fileURLToPath(new URL(`../data/${name}`, import.meta.url));

export function loadReportingConfig(env = new Env()): ReportingConfig {
  const timeZone = env.string('REPORTING_TIME_ZONE', 'Asia/Jakarta');
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError('REPORTING_TIME_ZONE', `is not a time zone: "${timeZone}"`);
  }
  return {
    suppressionThreshold: env.int('REPORTING_SUPPRESSION_THRESHOLD', 5, 2, 1000),
    uciThresholdPercent: env.int('REPORTING_UCI_THRESHOLD', 80, 1, 100),
    timeZone,
    daysOfStockWindow: env.int('REPORTING_DAYS_OF_STOCK_WINDOW', 28, 1, 365),
    stockOutWindow: env.int('REPORTING_STOCK_OUT_WINDOW', 30, 1, 365),
    indicatorsFile: env.string('REPORTING_INDICATORS_FILE', dataFile('indicator-definitions.json')),
    dhis2MappingFile: env.string('REPORTING_DHIS2_MAPPING_FILE', dataFile('dhis2-mapping.json')),
  };
}

function readJson(variable: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(variable, `cannot be read as JSON (${file}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');

export function loadIndicatorDefinitions(file: string): IndicatorDefinitions {
  const raw = readJson('REPORTING_INDICATORS_FILE', file) as Partial<IndicatorDefinitions>;
  const ok =
    typeof raw.childProgramme === 'string' &&
    isStringList(raw.idl?.doseKinds) &&
    typeof raw.idl.beforeAgeMonths === 'number' &&
    isStringList(raw.ibl?.doseKinds) &&
    typeof raw.ibl.beforeAgeMonths === 'number' &&
    typeof raw.dropout?.first === 'string' &&
    typeof raw.dropout.last === 'string' &&
    typeof raw.wastage?.administeredReason === 'string' &&
    isStringList(raw.wastage.usedReasons) &&
    isStringList(raw.wastage.receivedReasons);
  if (!ok) throw new ConfigError('REPORTING_INDICATORS_FILE', `(${file}) lacks childProgramme, idl, ibl, dropout or wastage`);
  return raw as IndicatorDefinitions;
}

export function loadDhis2Mapping(file: string): Dhis2Mapping {
  const raw = readJson('REPORTING_DHIS2_MAPPING_FILE', file) as Partial<Dhis2Mapping>;
  return { orgUnits: raw.orgUnits ?? {}, dataElements: raw.dataElements ?? {}, categoryOptionCombos: raw.categoryOptionCombos ?? {} };
}

export interface ReportingSettings {
  config: ReportingConfig;
  definitions: IndicatorDefinitions;
  dhis2: Dhis2Mapping;
}

/** Reporting's settings, indicator definitions and DHIS2 mapping, read from `env`. */
export function loadReportingSettings(env = new Env()): ReportingSettings {
  const config = loadReportingConfig(env);
  return { config, definitions: loadIndicatorDefinitions(config.indicatorsFile), dhis2: loadDhis2Mapping(config.dhis2MappingFile) };
}

const cache = new WeakMap<ServiceConfig, ReportingSettings>();
/** Read once per running service from the environment its config was read from: the consumers and the request context share them. */
export function reportingSettings(config: ServiceConfig): ReportingSettings {
  let settings = cache.get(config);
  if (!settings) {
    settings = loadReportingSettings(config.env ?? new Env());
    cache.set(config, settings);
  }
  return settings;
}

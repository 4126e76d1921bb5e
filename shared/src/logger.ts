import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data never reaches a log: known PII keys are redacted wherever they
 * appear, and request bodies and variables are never logged.
 */
export const PII_PATHS = [
  'nik',
  'motherNik',
  'fullName',
  'phone',
  'birthDate',
  'address',
  '*.nik',
  '*.motherNik',
  '*.fullName',
  '*.phone',
  '*.birthDate',
  'variables',
  '*.variables',
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { service: name },
    redact: { paths: PII_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

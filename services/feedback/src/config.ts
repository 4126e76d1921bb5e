import { ConfigError, Env } from '@victori/shared';

/** Feedback's own settings (FEEDBACK_*), beside the shared ServiceConfig (port, database, secrets). */
export interface FeedbackConfig {
  /** Working days to the first response to a complaint (SP4N-LAPOR!: 3). */
  firstResponseDays: number;
  /** Working days to resolution by handling class (SP4N-LAPOR!: 5 simple, 14 without a field check, 60 with one). */
  resolveDays: { SIMPLE: number; DESK: number; FIELD: number };
  /** Calendar days after resolution in which the citizen may reopen; afterwards the timer closes it. */
  reopenDays: number;
  /** How often the deadline timer looks for missed deadlines. */
  timerIntervalMs: number;
  /** Cuti bersama (collective leave) counts as a day off, as for the civil service. */
  collectiveLeaveIsHoliday: boolean;
  /** Holiday data (JSON, data/feedback/holidays-id.json by default). */
  holidaysFile?: string;
  /** Below this many survey answers, a facility's satisfaction index is suppressed outside the city office. */
  surveyMinResponses: number;
  /** Calendar days a visit's survey link stays valid after the visit was completed. */
  surveyTokenDays: number;
  /** Most complaints one list returns. */
  listLimit: number;
}

export function loadFeedbackConfig(env = new Env()): FeedbackConfig {
  const config: FeedbackConfig = {
    firstResponseDays: env.int('FEEDBACK_FIRST_RESPONSE_DAYS', 3, 1, 30),
    resolveDays: {
      SIMPLE: env.int('FEEDBACK_RESOLVE_SIMPLE_DAYS', 5, 1, 120),
      DESK: env.int('FEEDBACK_RESOLVE_DESK_DAYS', 14, 1, 120),
      FIELD: env.int('FEEDBACK_RESOLVE_FIELD_DAYS', 60, 1, 240),
    },
    reopenDays: env.int('FEEDBACK_REOPEN_DAYS', 10, 1, 90),
    timerIntervalMs: env.int('FEEDBACK_TIMER_INTERVAL_MS', 60_000, 100, 86_400_000),
    collectiveLeaveIsHoliday: env.bool('FEEDBACK_COLLECTIVE_LEAVE_IS_HOLIDAY', true),
    holidaysFile: env.optional('FEEDBACK_HOLIDAYS_FILE'),
    surveyMinResponses: env.int('FEEDBACK_SURVEY_MIN_RESPONSES', 10, 1, 1000),
    surveyTokenDays: env.int('FEEDBACK_SURVEY_TOKEN_DAYS', 30, 1, 365),
    listLimit: env.int('FEEDBACK_LIST_LIMIT', 100, 1, 1000),
  };
  const { SIMPLE, DESK, FIELD } = config.resolveDays;
  if (!(SIMPLE <= DESK && DESK <= FIELD)) {
    throw new ConfigError('FEEDBACK_RESOLVE_*_DAYS', `must grow from simple to desk to field (got ${SIMPLE}, ${DESK}, ${FIELD})`);
  }
  if (config.firstResponseDays > SIMPLE)
    throw new ConfigError('FEEDBACK_FIRST_RESPONSE_DAYS', 'must not be later than the simple resolution');
  return config;
}

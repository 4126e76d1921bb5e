import { Env } from '@victori/shared';

/** feedback's own settings (FEEDBACK_*), beside the shared ServiceConfig (port, database, secrets). */
export interface FeedbackConfig {
  /** Most records one facility's list returns. */
  listLimit: number;
}

export function loadFeedbackConfig(env = new Env()): FeedbackConfig {
  return {
    listLimit: env.int('FEEDBACK_LIST_LIMIT', 100, 1, 1000),
  };
}

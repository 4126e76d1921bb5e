import { Migration20261202011818_feedback } from './Migration20261202011818_feedback.js';
import { Migration20261202190000_survey_token_hash } from './Migration20261202190000_survey_token_hash.js';

/** In order; the schema test (platform/src/e2e/schema.int.test.ts) fails when they and the entities disagree. */
export const migrations = [
  { name: 'Migration20261202011818_feedback', class: Migration20261202011818_feedback },
  { name: 'Migration20261202190000_survey_token_hash', class: Migration20261202190000_survey_token_hash },
];

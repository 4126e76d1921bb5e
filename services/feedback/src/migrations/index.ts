import { Migration20261202011818_feedback } from './Migration20261202011818_feedback.js';

/** In order; the schema test (platform/src/e2e/schema.int.test.ts) fails when they and the entities disagree. */
export const migrations = [{ name: 'Migration20261202011818_feedback', class: Migration20261202011818_feedback }];

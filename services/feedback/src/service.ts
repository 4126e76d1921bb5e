import type { ServiceDefinition } from '@victori/shared';
import { loadFeedbackConfig } from './config.js';
import { createContext, type FeedbackContext } from './context.js';
import { migrations } from './migrations/index.js';
import { FeedbackRecordEntity } from './modules/record/record.entity.js';
import { buildFeedbackSchema } from './schema.js';

export const feedbackService: ServiceDefinition<FeedbackContext> = {
  name: 'feedback',
  entities: [FeedbackRecordEntity],
  migrations,
  buildSchema: () => buildFeedbackSchema(),
  createContext,
  // A wrong FEEDBACK_* setting refuses the start instead of failing every request.
  checkConfig: (config) => {
    loadFeedbackConfig(config.env);
  },
};

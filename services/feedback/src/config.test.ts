import { ConfigError, Env } from '@victori/shared';
import { loadFeedbackConfig } from './config.js';

describe('feedback configuration', () => {
  test('defaults without settings', () => {
    expect(loadFeedbackConfig(new Env({}))).toEqual({ listLimit: 100 });
  });

  test.each(['0', '1001', 'many'])('FEEDBACK_LIST_LIMIT=%s refuses the start, naming the variable', (value) => {
    expect(() => loadFeedbackConfig(new Env({ FEEDBACK_LIST_LIMIT: value }))).toThrow(ConfigError);
    expect(() => loadFeedbackConfig(new Env({ FEEDBACK_LIST_LIMIT: value }))).toThrow(/FEEDBACK_LIST_LIMIT/);
  });
});

import { ConfigError, Env } from '@victori/shared';
import { loadFeedbackConfig } from './config.js';

describe('feedback configuration', () => {
  test('defaults are the SP4N-LAPOR! deadlines', () => {
    const config = loadFeedbackConfig(new Env({}));
    expect(config).toMatchObject({ firstResponseDays: 3, resolveDays: { SIMPLE: 5, DESK: 14, FIELD: 60 }, reopenDays: 10 });
  });

  test('each deadline is configurable', () => {
    const config = loadFeedbackConfig(new Env({ FEEDBACK_FIRST_RESPONSE_DAYS: '2', FEEDBACK_RESOLVE_FIELD_DAYS: '90' }));
    expect(config).toMatchObject({ firstResponseDays: 2, resolveDays: { FIELD: 90 } });
  });

  test.each([
    [{ FEEDBACK_FIRST_RESPONSE_DAYS: '0' }, /FEEDBACK_FIRST_RESPONSE_DAYS/],
    [{ FEEDBACK_RESOLVE_DESK_DAYS: '70' }, /FEEDBACK_RESOLVE_\*_DAYS/],
    [{ FEEDBACK_FIRST_RESPONSE_DAYS: '6' }, /FEEDBACK_FIRST_RESPONSE_DAYS/],
    [{ FEEDBACK_SURVEY_MIN_RESPONSES: 'ten' }, /FEEDBACK_SURVEY_MIN_RESPONSES/],
  ])('%p refuses the start, naming the variable', (vars, says) => {
    expect(() => loadFeedbackConfig(new Env(vars))).toThrow(ConfigError);
    expect(() => loadFeedbackConfig(new Env(vars))).toThrow(says);
  });
});

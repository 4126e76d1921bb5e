import type { BaseContext, ServiceRuntime } from '@victori/shared';
import { loadFeedbackConfig, type FeedbackConfig } from './config.js';
import { createComplaintLoaders } from './modules/complaint/complaint.loader.js';
import { WorkingCalendar } from './modules/complaint/working-days.js';
import { createSurveyLoaders } from './modules/survey/survey.loader.js';
import { surveyTokenKey } from './modules/survey/survey.rules.js';

/** Made once per running service: the settings, the working-day calendar, and the clock everything reads. */
export interface FeedbackSettings {
  config: FeedbackConfig;
  calendar: WorkingCalendar;
  /** The key survey links are made with (from the PII key; survey.rules.ts). */
  surveyKey: Buffer;
  /** Deadlines and the timer read time here; tests replace `now` instead of waiting days. */
  clock: { now: () => Date };
}

export interface FeedbackContext extends BaseContext {
  feedback: FeedbackSettings & { now: () => Date };
  loaders: ReturnType<typeof createComplaintLoaders> & ReturnType<typeof createSurveyLoaders>;
}

const settings = new WeakMap<ServiceRuntime, FeedbackSettings>();

export function feedbackSettings(runtime: ServiceRuntime): FeedbackSettings {
  let found = settings.get(runtime);
  if (!found) {
    const config = loadFeedbackConfig(runtime.config.env);
    found = {
      config,
      calendar: WorkingCalendar.load(config.holidaysFile, config.collectiveLeaveIsHoliday),
      surveyKey: surveyTokenKey(runtime.config.piiKey),
      clock: { now: () => new Date() },
    };
    settings.set(runtime, found);
  }
  return found;
}

/** The one place per-request things are made: the request's EntityManager fork (base.em) and its loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): FeedbackContext {
  const s = feedbackSettings(runtime);
  return {
    ...base,
    feedback: { ...s, now: () => s.clock.now() },
    loaders: { ...createComplaintLoaders(base.em, s.config), ...createSurveyLoaders(base.em) },
  };
}

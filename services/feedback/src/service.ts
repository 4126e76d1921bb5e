import type { ServiceDefinition } from '@victori/shared';
import { loadFeedbackConfig } from './config.js';
import { createContext, feedbackSettings, type FeedbackContext } from './context.js';
import { appointmentsConsumer } from './events/appointments.consumer.js';
import { migrations } from './migrations/index.js';
import { ComplaintEntity, ComplaintEventEntity } from './modules/complaint/complaint.entity.js';
import { DeadlineTimer } from './modules/complaint/deadline.timer.js';
import { WorkingCalendar } from './modules/complaint/working-days.js';
import { FaqEntryEntity, FaqRevisionEntity } from './modules/faq/faq.entity.js';
import { seedFaq } from './seeders/faq.seeder.js';
import { SurveyInvitationEntity, SurveyResponseEntity } from './modules/survey/survey.entity.js';
import { surveyTokenKey } from './modules/survey/survey.rules.js';
import { buildFeedbackSchema } from './schema.js';

const timers = new WeakMap<object, DeadlineTimer>();

/** The running service's deadline timer (tests drive it with their own clock). */
export const deadlineTimer = (runtime: object): DeadlineTimer | undefined => timers.get(runtime);

export const feedbackService: ServiceDefinition<FeedbackContext> = {
  name: 'feedback',
  entities: [ComplaintEntity, ComplaintEventEntity, FaqEntryEntity, FaqRevisionEntity, SurveyInvitationEntity, SurveyResponseEntity],
  migrations,
  buildSchema: () => buildFeedbackSchema(),
  createContext,
  consumers: (config) => [appointmentsConsumer({ config: loadFeedbackConfig(config.env), surveyKey: surveyTokenKey(config.piiKey) })],
  seed: (orm) => seedFaq(orm),
  // A wrong FEEDBACK_* setting or an unreadable holiday file refuses the start instead of failing every request.
  checkConfig: (config) => {
    const settings = loadFeedbackConfig(config.env);
    WorkingCalendar.load(settings.holidaysFile, settings.collectiveLeaveIsHoliday);
  },
  startBackground: async (runtime) => {
    const timer = new DeadlineTimer(runtime.orm, feedbackSettings(runtime), runtime.logger);
    timers.set(runtime, timer);
    timer.start();
    runtime.onClose(() => timer.stop());
  },
  ready: async (runtime) => ({ holidaysCoverUntil: feedbackSettings(runtime).calendar.coveredUntil }),
};

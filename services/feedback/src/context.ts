import type { BaseContext, ServiceRuntime } from '@victori/shared';
import { loadFeedbackConfig, type FeedbackConfig } from './config.js';
import { createRecordLoaders } from './modules/record/record.loader.js';

export interface FeedbackContext extends BaseContext {
  config: FeedbackConfig;
  loaders: ReturnType<typeof createRecordLoaders>;
}

const configs = new WeakMap<ServiceRuntime, FeedbackConfig>();

/** The one place per-request things are made: the request's EntityManager fork (base.em) and its loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): FeedbackContext {
  let config = configs.get(runtime);
  if (!config) {
    config = loadFeedbackConfig(runtime.config.env);
    configs.set(runtime, config);
  }
  return { ...base, config, loaders: createRecordLoaders(base.em, config) };
}

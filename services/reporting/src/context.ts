import type { BaseContext, ServiceRuntime } from '@victori/shared';
import { reportingSettings, type ReportingSettings } from './config.js';
import { createAreaChildrenLoader, createAreaLoader } from './modules/area/area.loader.js';
import { createCoverageLoader } from './modules/coverage/coverage.loader.js';

export interface ReportingContext extends BaseContext {
  settings: ReportingSettings;
  loaders: {
    area: ReturnType<typeof createAreaLoader>;
    areaChildren: ReturnType<typeof createAreaChildrenLoader>;
    coverage: ReturnType<typeof createCoverageLoader>;
  };
}

/** The only place that builds per-request loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): ReportingContext {
  const settings = reportingSettings(runtime.config);
  return {
    ...base,
    settings,
    loaders: {
      area: createAreaLoader(base.em),
      areaChildren: createAreaChildrenLoader(base.em),
      coverage: createCoverageLoader(base.em, settings, base.request.claims),
    },
  };
}

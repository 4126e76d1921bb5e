import type { BaseContext } from '@victori/shared';
import { createAreaChildrenLoader, createAreaLoader } from './modules/area/area.loader.js';
import { createCoverageLoader } from './modules/coverage/coverage.loader.js';

export interface ReportingContext extends BaseContext {
  loaders: {
    area: ReturnType<typeof createAreaLoader>;
    areaChildren: ReturnType<typeof createAreaChildrenLoader>;
    coverage: ReturnType<typeof createCoverageLoader>;
  };
}

/** The only place that builds per-request loaders. */
export function createContext(base: BaseContext): ReportingContext {
  return {
    ...base,
    loaders: {
      area: createAreaLoader(base.em),
      areaChildren: createAreaChildrenLoader(base.em),
      coverage: createCoverageLoader(base.em, base.request.claims),
    },
  };
}

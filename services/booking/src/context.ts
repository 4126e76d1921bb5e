import type { BaseContext } from '@victori/shared';
import { createFacilityLoader } from './modules/facility/facility.loader.js';

export interface BookingContext extends BaseContext {
  loaders: {
    facility: ReturnType<typeof createFacilityLoader>;
  };
}

/** The only place that builds per-request loaders. */
export function createContext(base: BaseContext): BookingContext {
  return { ...base, loaders: { facility: createFacilityLoader(base.em) } };
}

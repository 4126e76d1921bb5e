import { PiiVault, type BaseContext, type ServiceRuntime } from '@victori/shared';
import { loadBookingConfig, type BookingConfig } from './config.js';
import { createFacilityLoader } from './modules/facility/facility.loader.js';
import { createSessionLoader, createSlotLoader, createSlotsBySessionLoader } from './modules/session/session.loader.js';

export interface BookingContext extends BaseContext {
  config: BookingConfig;
  vault: PiiVault;
  loaders: {
    facility: ReturnType<typeof createFacilityLoader>;
    session: ReturnType<typeof createSessionLoader>;
    slotsBySession: ReturnType<typeof createSlotsBySessionLoader>;
    slot: ReturnType<typeof createSlotLoader>;
  };
}

const settings = new WeakMap<ServiceRuntime, { config: BookingConfig; vault: PiiVault }>();

/** Booking's own settings and the PII vault, read once per running service. */
export function bookingSettings(runtime: ServiceRuntime): { config: BookingConfig; vault: PiiVault } {
  let found = settings.get(runtime);
  if (!found) {
    found = { config: loadBookingConfig(runtime.config.env), vault: new PiiVault(runtime.config.piiKey) };
    settings.set(runtime, found);
  }
  return found;
}

/** The only place that builds per-request loaders. */
export function createContext(base: BaseContext, runtime: ServiceRuntime): BookingContext {
  return {
    ...base,
    ...bookingSettings(runtime),
    loaders: {
      facility: createFacilityLoader(base.em),
      session: createSessionLoader(base.em),
      slotsBySession: createSlotsBySessionLoader(base.em),
      slot: createSlotLoader(base.em),
    },
  };
}

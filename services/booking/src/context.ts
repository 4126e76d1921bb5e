import { PiiVault, runtimeRedis, type BaseContext, type ServiceRuntime } from '@victori/shared';
import { loadBookingConfig, type BookingConfig } from './config.js';
import { SameKeyQueue } from './modules/appointment/idempotency.js';
import { RateLimiter } from './modules/appointment/rate-limit.js';
import { createRegistryPersonLoader } from './modules/appointment/person.loader.js';
import { createAppointmentDosesLoader } from './modules/appointment/visit-doses.loader.js';
import { createFacilityLoader } from './modules/facility/facility.loader.js';
import { createSessionLoader, createSlotLoader, createSlotsBySessionLoader } from './modules/session/session.loader.js';

export interface BookingLimits {
  perIp: RateLimiter;
  perNik: RateLimiter;
  /** Orders requests with the same Idempotency-Key, so that retries replay before any limit counts them. */
  sameKey: SameKeyQueue;
}

export interface BookingContext extends BaseContext {
  config: BookingConfig;
  vault: PiiVault;
  limits: BookingLimits;
  loaders: {
    facility: ReturnType<typeof createFacilityLoader>;
    session: ReturnType<typeof createSessionLoader>;
    slotsBySession: ReturnType<typeof createSlotsBySessionLoader>;
    slot: ReturnType<typeof createSlotLoader>;
    registryPerson: ReturnType<typeof createRegistryPersonLoader>;
    appointmentDoses: ReturnType<typeof createAppointmentDosesLoader>;
  };
}

type Settings = { config: BookingConfig; vault: PiiVault; limits: BookingLimits };
const settings = new WeakMap<ServiceRuntime, Settings>();

/** Booking's own settings, the PII vault and the rate limiters, made once per running service. */
export function bookingSettings(runtime: ServiceRuntime): Settings {
  let found = settings.get(runtime);
  if (!found) {
    const config = loadBookingConfig(runtime.config.env);
    const redis = runtimeRedis(runtime, config.redis);
    found = {
      config,
      vault: new PiiVault(runtime.config.piiKey),
      limits: {
        perIp: new RateLimiter(config.ratePerIpPerMinute, 60_000, redis && { redis, name: 'booking-ip' }),
        perNik: new RateLimiter(config.ratePerNikPerMinute, 60_000, redis && { redis, name: 'booking-nik' }),
        sameKey: new SameKeyQueue(),
      },
    };
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
      registryPerson: createRegistryPersonLoader(base.em),
      appointmentDoses: createAppointmentDosesLoader(base.em),
    },
  };
}

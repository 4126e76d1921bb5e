import { ConfigError, Env, loadRedisSettings, type RedisSettings } from '@victori/shared';

export interface BookingConfig {
  /** Live appointments (booked or checked in) one phone number may hold at once: a family's bookings. */
  maxPerPhone: number;
  /**
   * Same-day cut-off, HH:MM in Asia/Jakarta: online booking for a session on today's date closes at this
   * time (and a slot is never bookable once it has started).
   */
  sameDayCutoff: string;
  /** Default slot length when a session is created without one. */
  defaultSlotMinutes: number;
  /** Booking attempts per minute per client address and per NIK; 0 turns a limit off. */
  ratePerIpPerMinute: number;
  ratePerNikPerMinute: number;
  /**
   * A session is opened only at a facility with SATUSEHAT Organization and Location ids (BOOKING_REQUIRE_SATUSEHAT_IDS,
   * on in production): its doses could not reach the national record otherwise. Off, the session opens and
   * its doses wait as FACILITY_NOT_REGISTERED in the health office's backlog until the ids are registered.
   */
  requireSatusehatIds: boolean;
  /** REDIS_URL: the rate limits are counted in Redis, one count for every replica (shared/src/redis.ts). */
  redis?: RedisSettings;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function loadBookingConfig(env = new Env()): BookingConfig {
  const sameDayCutoff = env.string('BOOKING_SAME_DAY_CUTOFF', '12:00');
  if (!HHMM.test(sameDayCutoff)) throw new ConfigError('BOOKING_SAME_DAY_CUTOFF', `must be HH:MM, got "${sameDayCutoff}"`);
  return {
    maxPerPhone: env.int('BOOKING_MAX_PER_PHONE', 5, 1, 50),
    sameDayCutoff,
    defaultSlotMinutes: env.int('BOOKING_SLOT_MINUTES', 30, 5, 24 * 60),
    ratePerIpPerMinute: env.int('BOOKING_RATE_PER_IP', 600, 0, 1_000_000),
    ratePerNikPerMinute: env.int('BOOKING_RATE_PER_NIK', 10, 0, 10_000),
    requireSatusehatIds: env.bool(
      'BOOKING_REQUIRE_SATUSEHAT_IDS',
      env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development') === 'production',
    ),
    redis: loadRedisSettings(env),
  };
}

import { ConfigError, Env } from '@victori/shared';
import { loadBookingConfig } from './config.js';

test('defaults: five live appointments per phone, same-day cut-off at noon, 30-minute slots, 600 bookings/min per address, 10 per NIK', () => {
  expect(loadBookingConfig(new Env({}))).toEqual({
    maxPerPhone: 5,
    sameDayCutoff: '12:00',
    defaultSlotMinutes: 30,
    ratePerIpPerMinute: 600,
    ratePerNikPerMinute: 10,
    requireSatusehatIds: false,
  });
});

test('production opens sessions only at facilities with SATUSEHAT ids, unless told otherwise', () => {
  expect(loadBookingConfig(new Env({ NODE_ENV: 'production' })).requireSatusehatIds).toBe(true);
  expect(loadBookingConfig(new Env({ NODE_ENV: 'production', BOOKING_REQUIRE_SATUSEHAT_IDS: 'false' })).requireSatusehatIds).toBe(false);
  expect(loadBookingConfig(new Env({ BOOKING_REQUIRE_SATUSEHAT_IDS: 'true' })).requireSatusehatIds).toBe(true);
});

test('a wrong value names its variable', () => {
  expect(() => loadBookingConfig(new Env({ BOOKING_SAME_DAY_CUTOFF: '25:00' }))).toThrow(ConfigError);
  expect(() => loadBookingConfig(new Env({ BOOKING_MAX_PER_PHONE: '0' }))).toThrow(/BOOKING_MAX_PER_PHONE/);
});

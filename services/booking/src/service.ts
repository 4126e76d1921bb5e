import type { ServiceDefinition } from '@victori/shared';
import { createContext, type BookingContext } from './context.js';
import { doseConsumer, registryConsumer, stockConsumer } from './events/consumers.js';
import { migrations } from './migrations/index.js';
import { FacilityEntity } from './modules/facility/facility.entity.js';
import { buildBookingSchema } from './schema.js';
import { seedFacilities } from './seeders/facilities.seeder.js';
import { topUpDemoSessions } from './seeders/demo-sessions.seeder.js';
import { seedDemoSatusehatIds } from './seeders/demo-satusehat-ids.seeder.js';
import { loadBookingConfig } from './config.js';

export const bookingService: ServiceDefinition<BookingContext> = {
  name: 'booking',
  entities: [FacilityEntity],
  migrations,
  buildSchema: buildBookingSchema,
  createContext,
  // A wrong setting (BOOKING_*, REDIS_URL) refuses the start instead of failing the first booking.
  checkConfig: (config) => void loadBookingConfig(config.env),
  consumers: [stockConsumer, doseConsumer, registryConsumer],
  seed: seedFacilities,
  demo: async (runtime) => {
    await seedDemoSatusehatIds(runtime.orm);
    await topUpDemoSessions(runtime.orm, loadBookingConfig(runtime.config.env));
  },
};

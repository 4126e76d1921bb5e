import { FacilityUpserted, on, type ConsumerDefinition } from '@victori/shared';
import { rememberFacilityIds } from '../satusehat/national.service.js';

/** Booking's facilities, as far as national delivery needs them: their SATUSEHAT Organization and Location ids. */
export const facilitiesConsumer: ConsumerDefinition = {
  name: 'immunization.facilities',
  handlers: [on(FacilityUpserted, async (tx, e) => rememberFacilityIds(tx, e.payload))],
  reset: async (tx) => {
    await tx.execute(`delete from satusehat_facility`);
  },
};

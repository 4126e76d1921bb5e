import { FacilityUpserted, on, type ConsumerDefinition } from '@victori/shared';
import { rememberFacilityIds } from '../satusehat/national.service.js';
import { forgetFacilityIds } from '../satusehat/satusehat.store.js';
import { upsertFacilityArea } from '../modules/due/due.store.js';

/**
 * Booking's facilities, as far as this service needs them: their SATUSEHAT Organization and Location ids
 * (national delivery), and the kelurahan they serve (the due list and who a facility's workers see).
 */
export const facilitiesConsumer: ConsumerDefinition = {
  name: 'immunization.facilities',
  handlers: [
    on(FacilityUpserted, async (tx, e) => {
      await rememberFacilityIds(tx, e.payload);
      await upsertFacilityArea(tx, { facilityId: e.payload.facilityId, type: e.payload.type, kelurahanCode: e.payload.kelurahanCode });
    }),
  ],
  reset: async (tx) => forgetFacilityIds(tx),
};

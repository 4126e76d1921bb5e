import {
  FacilityUpserted,
  DoseCorrected,
  DoseRecorded,
  on,
  onBatch,
  SessionChanged,
  SessionClosed,
  SessionOpened,
  type ConsumerDefinition,
} from '@victori/shared';
import type { InventoryConfig } from '../config.js';
import { applyCorrection, recordAdministrations } from '../modules/administration/administration.service.js';
import { clearSessions, upsertFacility, upsertSession } from './projection.store.js';
/** Booking's facilities, so stock can be moved to a facility created at run time and grouped by kecamatan. */
export const facilitiesConsumer: ConsumerDefinition = {
  name: 'inventory.facilities',
  handlers: [on(FacilityUpserted, (tx, e) => upsertFacility(tx, e.payload))],
  // The directory is also seeded from data/demo-facilities.csv, so a rebuild keeps those rows.
};

/** Booking's sessions, kept to report which sessions a recall affects. A projection: rebuilt on replay. */
export const sessionsConsumer: ConsumerDefinition = {
  name: 'inventory.sessions',
  handlers: [
    on(SessionOpened, (tx, e) => upsertSession(tx, e.payload)),
    on(SessionChanged, (tx, e) => upsertSession(tx, e.payload)),
    on(SessionClosed, (tx, e) => upsertSession(tx, { ...e.payload, status: 'CLOSED' })),
  ],
  reset: (tx) => clearSessions(tx),
};

/**
 * Administered doses leave stock. This is not a projection but a state change of the ledger, so
 * reset does nothing: on replay every dose record is already claimed (and its ledger entry keyed by
 * the dose record), so replaying cannot take a dose twice.
 */
export const administrationsConsumer = (config: InventoryConfig): ConsumerDefinition => ({
  name: 'inventory.administrations',
  handlers: [
    // A run of doses at once (bulk imports); one dose is a run of one.
    onBatch(DoseRecorded, (tx, events) =>
      recordAdministrations(
        tx,
        config,
        events.map((e) => e.payload),
      ),
    ),
    on(DoseCorrected, async (tx, e) => {
      await applyCorrection(tx, config, e.payload);
    }),
  ],
  reset: async () => {},
});

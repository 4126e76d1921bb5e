import type { EntityManager } from '@mikro-orm/postgresql';
import {
  FacilityUpserted,
  DoseCorrected,
  DoseRecorded,
  on,
  SessionChanged,
  SessionClosed,
  SessionOpened,
  type ConsumerDefinition,
  type SessionPayload,
} from '@victori/shared';
import { inventoryConfig } from '../config.js';
import { applyCorrection, recordAdministration } from '../modules/administration/administration.service.js';

async function upsertSession(tx: EntityManager, s: SessionPayload): Promise<void> {
  await tx.execute(
    `insert into session_projection (session_id, facility_id, date, start_time, end_time, product_code, capacity, status)
     values (?, ?, ?::date, ?, ?, ?, ?, ?)
     on conflict (session_id) do update set facility_id = excluded.facility_id, date = excluded.date, start_time = excluded.start_time,
       end_time = excluded.end_time, product_code = excluded.product_code, capacity = excluded.capacity, status = excluded.status`,
    [s.sessionId, s.facilityId, s.date, s.startTime, s.endTime, s.productCode, s.capacity, s.status],
  );
}

/** Booking's facilities, so stock can be moved to a facility created at run time and grouped by kecamatan. */
export const facilitiesConsumer: ConsumerDefinition = {
  name: 'inventory.facilities',
  handlers: [
    on(FacilityUpserted, async (tx, e) => {
      const f = e.payload;
      await tx.execute(
        `insert into facility_directory (facility_id, code, name, type, kelurahan_code, kecamatan_code) values (?, ?, ?, ?, ?, ?)
         on conflict (facility_id) do update set code = excluded.code, name = excluded.name, type = excluded.type,
           kelurahan_code = excluded.kelurahan_code, kecamatan_code = excluded.kecamatan_code`,
        [f.facilityId, f.code, f.name, f.type, f.kelurahanCode, f.kecamatanCode],
      );
    }),
  ],
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
  reset: async (tx) => {
    await tx.execute(`delete from session_projection`);
  },
};

/**
 * Administered doses leave stock. This is not a projection but a state change of the ledger, so
 * reset does nothing: on replay every dose record is already claimed (and its ledger entry keyed by
 * the dose record), so replaying cannot take a dose twice.
 */
export const administrationsConsumer: ConsumerDefinition = {
  name: 'inventory.administrations',
  handlers: [
    on(DoseRecorded, async (tx, e) => {
      await recordAdministration(tx, inventoryConfig(), e.payload);
    }),
    on(DoseCorrected, async (tx, e) => {
      await applyCorrection(tx, inventoryConfig(), e.payload);
    }),
  ],
  reset: async () => {},
};

import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { AdverseEventEntity } from '../modules/dose/adverse-event.entity.js';
import { PersonEntity } from '../modules/person/person.entity.js';
import { childrenInFacilityArea, citizenScope as citizenScopeOf, linkedToFacility } from '../modules/person/person.store.js';
import { deliveryRowsByRecord, type DeliveryRow } from '../satusehat/delivery.queue.js';
import { isUuid } from '@victori/shared';

function groupBy<T>(keys: readonly string[], rows: T[], key: (row: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    map.set(k, [...(map.get(k) ?? []), row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** Per-request batching: every lookup by person or record costs one statement per request level. */
export function createLoaders(em: EntityManager, claims: Claims) {
  let citizenScope: Promise<Set<string>> | undefined;
  return {
    person: new DataLoader<string, PersonEntity | null>(async (ids) => {
      const valid = ids.filter(isUuid);
      const rows = valid.length ? await em.find(PersonEntity, { id: { $in: valid } }) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /**
     * Whether a person is linked to the health worker's facility: registered or walked in there, vaccinated
     * there, or holding an appointment there (src/policy.ts). False for ids that do not exist.
     */
    atMyFacility: new DataLoader<string, boolean>(async (ids) => {
      const valid = ids.filter(isUuid);
      if (claims.role !== 'health-worker' || !claims.facilityId || valid.length === 0) return ids.map(() => false);
      const linked = await linkedToFacility(em, { ids: valid, facilityId: claims.facilityId });
      return ids.map((id) => linked.has(id));
    }),
    /**
     * Whether a person is a child living in the kelurahan the health worker's facility serves: on the facility's
     * due list, so a dose may be recorded for them there (src/policy.ts recordDose). Not a link for reading.
     */
    childInMyKelurahan: new DataLoader<string, boolean>(async (ids) => {
      const valid = ids.filter(isUuid);
      if (claims.role !== 'health-worker' || !claims.facilityId || valid.length === 0) return ids.map(() => false);
      const found = await childrenInFacilityArea(em, { ids: valid, facilityId: claims.facilityId });
      return ids.map((id) => found.has(id));
    }),
    /** The people a citizen may see: their own record and their dependants (one query per request). */
    citizenScope(): Promise<Set<string>> {
      citizenScope ??= claims.sub ? citizenScopeOf(em, { accountId: claims.sub }) : Promise.resolve(new Set<string>());
      return citizenScope;
    },
    dosesByPerson: new DataLoader<string, DoseRecordEntity[]>(async (ids) => {
      const rows = await em.find(
        DoseRecordEntity,
        { personId: { $in: [...ids] } },
        { orderBy: { administeredAt: 'asc', recordedAt: 'asc' } },
      );
      return groupBy(ids, rows, (r) => r.personId);
    }),
    doseRecord: new DataLoader<string, DoseRecordEntity | null>(async (ids) => {
      const valid = ids.filter(isUuid);
      const rows = valid.length ? await em.find(DoseRecordEntity, { id: { $in: valid } }) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    adverseEventsByDose: new DataLoader<string, AdverseEventEntity[]>(async (ids) => {
      const rows = await em.find(AdverseEventEntity, { doseRecordId: { $in: [...ids] } }, { orderBy: { onsetAt: 'asc' } });
      return groupBy(ids, rows, (r) => r.doseRecordId);
    }),
    /** Every target's delivery of a record (SATUSEHAT, PCare). */
    deliveriesByRecord: new DataLoader<string, DeliveryRow[]>(async (ids) => {
      const rows = await deliveryRowsByRecord(em, [...ids]);
      return groupBy(ids, rows, (r) => r.dose_record_id!);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

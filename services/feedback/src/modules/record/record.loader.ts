import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FeedbackConfig } from '../../config.js';
import { UUID } from './record.rules.js';
import { findRecords, recordsOfFacilities, type RecordRow } from './record.store.js';

/** Per-request loaders: every record and every facility's list in one statement per tick (no N+1). */
export function createRecordLoaders(em: EntityManager, config: FeedbackConfig) {
  return {
    record: new DataLoader<string, RecordRow | null>(async (ids) => {
      const rows = await findRecords(em, { ids: ids.filter((id) => UUID.test(id)) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    facilityRecords: new DataLoader<string, RecordRow[]>(async (facilityIds) => {
      const rows = await recordsOfFacilities(em, { facilityIds: facilityIds.filter((id) => UUID.test(id)), limitEach: config.listLimit });
      return facilityIds.map((id) => rows.filter((r) => r.facilityId === id));
    }),
  };
}

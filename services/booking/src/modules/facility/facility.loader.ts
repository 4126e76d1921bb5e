import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FacilityEntity } from './facility.entity.js';
import { facilitiesByIds } from './facility.store.js';

/** Batches facility lookups; a malformed id resolves to null instead of a database error. */
export function createFacilityLoader(em: EntityManager): DataLoader<string, FacilityEntity | null> {
  return new DataLoader(async (ids) => {
    const rows = await facilitiesByIds(em, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

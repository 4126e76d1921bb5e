import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsv, type Orm } from '@victori/shared';
import { upsertFacilityArea } from '../modules/due/due.store.js';

/**
 * The kelurahan each demo facility serves (data/demo-facilities.csv, as booking seeds them); facilities
 * created or changed at run time arrive through facility.upserted (consumer immunization.facilities).
 */
export async function seedFacilityAreas(orm: Orm): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  for (const r of readCsv('demo-facilities.csv')) {
    await upsertFacilityArea(em, { facilityId: r.id!, type: r.type!, kelurahanCode: r.kelurahan_code! });
  }
}

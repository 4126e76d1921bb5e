import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsv, type Claims, type Orm } from '@victori/shared';
import { FacilityEntity } from '../modules/facility/facility.entity.js';
import { setFacilitySatusehatIds } from '../modules/facility/facility.service.js';

const DEMO_ADMIN: Claims = { role: 'admin', sub: 'demo-seed' };

/**
 * The living demo's SATUSEHAT ids for its facilities (data/demo-satusehat-ids.csv: invented, known only
 * to the local SATUSEHAT simulator), registered through the admin operation so the facility event carries
 * them to national delivery. Development only; a facility that has ids keeps them.
 */
export async function seedDemoSatusehatIds(orm: Orm): Promise<number> {
  const byCode = new Map(readCsv('demo-facilities.csv').map((f) => [f.code!, f.id!]));
  let set = 0;
  for (const r of readCsv('demo-satusehat-ids.csv')) {
    const id = byCode.get(r.facility_code!);
    if (!id) continue;
    const em = orm.em.fork() as EntityManager;
    const facility = await em.findOne(FacilityEntity, { id });
    if (!facility || facility.satusehatOrganizationId) continue;
    await setFacilitySatusehatIds(em, DEMO_ADMIN, id, { organizationId: r.organization_id!, locationId: r.location_id! });
    set++;
  }
  return set;
}

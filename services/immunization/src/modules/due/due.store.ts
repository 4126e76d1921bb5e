import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';
import { PersonEntity } from '../person/person.entity.js';

/** SQL of the due list: the kelurahan each facility serves, and the children living there. */

export interface FacilityAreaRow {
  facilityId: string;
  type: string;
  kelurahanCode: string;
}

/** Keeps booking's facility (seeded or from facility.upserted): its type and the kelurahan it serves. */
export async function upsertFacilityArea(em: EntityManager, f: FacilityAreaRow): Promise<void> {
  await sql(
    em,
    `insert into facility_area (facility_id, type, kelurahan_code, updated_at) values (:facilityId, :type, :kelurahanCode, now())
     on conflict (facility_id) do update set type = excluded.type, kelurahan_code = excluded.kelurahan_code, updated_at = now()`,
    { ...f },
  );
}

export async function facilityArea(em: EntityManager, a: { facilityId: string }): Promise<FacilityAreaRow | undefined> {
  const row = await sqlOne<{ facility_id: string; type: string; kelurahan_code: string }>(
    em,
    `select facility_id, type, kelurahan_code from facility_area where facility_id = :facilityId`,
    a,
  );
  return row && { facilityId: row.facility_id, type: row.type, kelurahanCode: row.kelurahan_code };
}

/** Children living in the kelurahan born after `bornAfter` (the schedule's age limit), youngest first. */
export async function childrenOfKelurahan(
  em: EntityManager,
  a: { kelurahanCode: string; bornAfter: string; limit: number },
): Promise<PersonEntity[]> {
  return em.find(
    PersonEntity,
    { residenceKelurahanCode: a.kelurahanCode, isChild: true, birthDate: { $gt: a.bornAfter } },
    { orderBy: { birthDate: 'desc', id: 'asc' }, limit: a.limit },
  );
}

import type { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { FacilityUpserted, pgArray, publish, sqlPrepared, isUuid } from '@victori/shared';
import { FacilityEntity } from './facility.entity.js';

/**
 * The facility register's storage: the aggregate uses MikroORM's unit of work (FacilityEntity), so its
 * reads are `em.find` and its writes a flush; the facility event is appended in the same transaction.
 */

/** FacilityEntity's columns under its property names (null where a nullable one is empty). */
const FACILITY_COLUMNS = `id, code, name, type, kelurahan_code as "kelurahanCode", kecamatan_code as "kecamatanCode", address, latitude,
  longitude, phone, email, opening_hours as "openingHours", active, satusehat_organization_id as "satusehatOrganizationId",
  satusehat_location_id as "satusehatLocationId"`;

/** Facilities by id; malformed ids find nothing (never a database error). */
export async function facilitiesByIds(em: EntityManager, ids: readonly string[]): Promise<FacilityEntity[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  // The read path of every session and appointment shown (the request loaders): plain rows from one prepared
  // statement, not managed entities, so nothing read here is ever written back. Through em.find, building the
  // query and hydrating the entities was about an eighth of booking's CPU on an availability search.
  return sqlPrepared<FacilityEntity>(em, `select ${FACILITY_COLUMNS} from facility where id = any(:ids::uuid[])`, { ids: pgArray(valid) });
}

/** One facility, managed by `em` (changes are written by `saveFacility`); null for a malformed id. */
export async function findFacility(em: EntityManager, id: string): Promise<FacilityEntity | null> {
  return isUuid(id) ? em.findOne(FacilityEntity, { id }) : null;
}

export async function codeInUse(em: EntityManager, code: string): Promise<boolean> {
  return (await em.count(FacilityEntity, { code })) > 0;
}

/** A new facility, managed by `em` until `saveFacility` writes it. */
export function newFacility(em: EntityManager, data: RequiredEntityData<FacilityEntity>): FacilityEntity {
  return em.create(FacilityEntity, data);
}

/** Unique constraint of the facility code (two admins racing for one code). */
export const FACILITY_CODE_UNIQUE = 'facility_code_unique';

/**
 * Writes the facility's changes and its FacilityUpserted event in one transaction (explicit demarcation on
 * the request's own EntityManager, which holds the entity). Other services learn facilities from the event.
 */
export async function saveFacility(em: EntityManager, facility: FacilityEntity): Promise<void> {
  await em.begin();
  try {
    await em.flush();
    await publish(em, 'booking', FacilityUpserted, facility.id, {
      facilityId: facility.id,
      code: facility.code,
      name: facility.name,
      type: facility.type,
      kelurahanCode: facility.kelurahanCode,
      kecamatanCode: facility.kecamatanCode,
      active: facility.active,
      satusehatOrganizationId: facility.satusehatOrganizationId ?? null,
      satusehatLocationId: facility.satusehatLocationId ?? null,
    });
    await em.commit();
  } catch (error) {
    await em.rollback();
    throw error;
  }
}

export interface FacilityFilter {
  kecamatanCode?: string;
  kelurahanCode?: string;
  type?: string;
}

/**
 * Active facilities by name, then id, after the keyset `after` ([name, id]); `limit` rows, and the count
 * of all that match the filter.
 */
export async function facilitiesPage(
  em: EntityManager,
  page: { filter: FacilityFilter; after?: [string, string]; limit: number },
): Promise<{ rows: FacilityEntity[]; total: number }> {
  const where: Record<string, unknown> = { active: true };
  if (page.filter.kecamatanCode) where.kecamatanCode = page.filter.kecamatanCode;
  if (page.filter.kelurahanCode) where.kelurahanCode = page.filter.kelurahanCode;
  if (page.filter.type) where.type = page.filter.type;
  const after = page.after;
  const keyset = after ? { ...where, $or: [{ name: { $gt: after[0] } }, { name: after[0], id: { $gt: after[1] } }] } : where;
  const [rows, total] = await Promise.all([
    em.find(FacilityEntity, keyset, { orderBy: { name: 'asc', id: 'asc' }, limit: page.limit }),
    em.count(FacilityEntity, where),
  ]);
  return { rows, total };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, type FacilityUpsertedPayload, type SessionPayload } from '@victori/shared';

/** Inventory's projections of booking's sessions and facilities (rebuilt from events). */

export async function upsertSession(tx: EntityManager, s: SessionPayload): Promise<void> {
  await sql(
    tx,
    `insert into session_projection (session_id, facility_id, date, start_time, end_time, product_code, capacity, status)
     values (:sessionId, :facilityId, :date::date, :startTime, :endTime, :productCode, :capacity, :status)
     on conflict (session_id) do update set facility_id = excluded.facility_id, date = excluded.date, start_time = excluded.start_time,
       end_time = excluded.end_time, product_code = excluded.product_code, capacity = excluded.capacity, status = excluded.status`,
    {
      sessionId: s.sessionId,
      facilityId: s.facilityId,
      date: s.date,
      startTime: s.startTime,
      endTime: s.endTime,
      productCode: s.productCode,
      capacity: s.capacity,
      status: s.status,
    },
  );
}

export async function clearSessions(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from session_projection`);
}

export async function upsertFacility(tx: EntityManager, f: FacilityUpsertedPayload): Promise<void> {
  await sql(
    tx,
    `insert into facility_directory (facility_id, code, name, type, kelurahan_code, kecamatan_code)
     values (:facilityId, :code, :name, :type, :kelurahanCode, :kecamatanCode)
     on conflict (facility_id) do update set code = excluded.code, name = excluded.name, type = excluded.type,
       kelurahan_code = excluded.kelurahan_code, kecamatan_code = excluded.kecamatan_code`,
    { facilityId: f.facilityId, code: f.code, name: f.name, type: f.type, kelurahanCode: f.kelurahanCode, kecamatanCode: f.kecamatanCode },
  );
}

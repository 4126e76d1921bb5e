import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';

/** SQL around dose records that the unit of work does not cover: the appointment a dose is recorded against, delivery counts. */

/** booking's appointment as this service keeps it (facility_appointment), with the NIK of the person the dose is for. */
export interface AppointmentForDose {
  facilityId: string;
  /** YYYY-MM-DD */
  sessionDate: string;
  nikHash: string | null;
  personId: string | null;
  status: string;
  /** The NIK hash of the person the dose is recorded for (null without a NIK or when the person is unknown). */
  personNikHash: string | null;
}

/** The appointment a dose is recorded against; undefined when there is none. The id must be a UUID (the caller checks). */
export async function appointmentForDose(
  em: EntityManager,
  key: { appointmentId: string; personId: string },
): Promise<AppointmentForDose | undefined> {
  const row = await sqlOne<{
    facility_id: string;
    session_date: string;
    nik_hash: string | null;
    person_id: string | null;
    status: string;
    person_nik: string | null;
  }>(
    em,
    `select a.facility_id, a.session_date::text as session_date, a.nik_hash, a.person_id, a.status,
            (select p.nik_hash from person p where p.id = :personId) as person_nik
       from facility_appointment a where a.id = :appointmentId`,
    key,
  );
  return (
    row && {
      facilityId: row.facility_id,
      sessionDate: row.session_date,
      nikHash: row.nik_hash,
      personId: row.person_id,
      status: row.status,
      personNikHash: row.person_nik,
    }
  );
}

/** National deliveries (every target) counted by status, for the service's metrics. */
export async function deliveryCountsByStatus(em: EntityManager): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: string }>(em, `select status, count(*) as n from national_delivery group by status`);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

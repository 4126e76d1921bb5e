import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/**
 * What this service keeps of booking's events for its own decisions (projections, written by the
 * consumers in their inbox transaction): the appointments the access policy reads (facility_appointment).
 */

export interface AppointmentProjection {
  appointmentId: string;
  facilityId: string;
  /** YYYY-MM-DD. */
  sessionDate: string;
  /** Set only when the appointment was booked by NIK (no registry person). */
  nikHash: string | null;
  personId: string | null;
  status: string;
}

/** The appointment as its latest event says (events of one appointment arrive in order). */
export async function upsertAppointment(tx: EntityManager, a: AppointmentProjection): Promise<void> {
  await sql(
    tx,
    `insert into facility_appointment (id, facility_id, session_date, nik_hash, person_id, status)
     values (:appointmentId, :facilityId, :sessionDate::date, :nikHash, :personId, :status)
     on conflict (id) do update set facility_id = excluded.facility_id, session_date = excluded.session_date,
       nik_hash = excluded.nik_hash, person_id = excluded.person_id, status = excluded.status`,
    { ...a },
  );
}

/** Every appointment forgotten (the consumer's reset: booking's events are read again). */
export async function forgetAppointments(tx: EntityManager): Promise<void> {
  await sql(tx, `delete from facility_appointment`);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';
import type { DoseFact } from '../eligibility/eligibility.js';
import type { SlotRow } from '../session/session.rows.js';
import { APPOINTMENT_COLUMNS, appointmentColumns, type AppointmentRow } from './appointment.rows.js';
import { STOCK_LEFT } from './appointment.store.js';
import type { PersonFacts } from './person.validation.js';
import { HOLDS_PER_DOSE } from './visit-doses.store.js';

/** SQL of the vaccination centre's desk: check-in, walk-ins, no-shows and the day list. */

/** Checks the appointment in while it is still BOOKED; undefined when it changed meanwhile. */
export async function checkInBooked(tx: EntityManager, id: string): Promise<AppointmentRow | undefined> {
  const [row] = await sql<AppointmentRow>(
    tx,
    `update appointment set status = 'CHECKED_IN', checked_in_at = now() where id = :id and status = 'BOOKED' returning ${APPOINTMENT_COLUMNS}`,
    { id },
  );
  return row;
}

/** What a walk-in decision reads: the person's dose history and the session's slots in time order. */
export async function walkInFacts(
  em: EntityManager,
  k: { nikHash: string; sessionId: string },
): Promise<{ doses: DoseFact[]; slots: SlotRow[] }> {
  const [row] = await sql<{ doses: DoseFact[]; slots: SlotRow[] }>(
    em,
    `select (select coalesce(json_agg(json_build_object('programme', d.programme, 'doseKind', d.dose_kind, 'date', d.administered_on, 'valid', d.valid)), '[]'::json)
               from dose_history d where d.nik_hash = :nikHash) as doses,
            (select coalesce(json_agg(sl order by sl.start_time), '[]'::json) from slot sl where sl.session_id = :sessionId) as slots`,
    k,
  );
  return row!;
}

/**
 * A walk-in in one statement: the next queue number, a unit of the facility's usable stock (conditional),
 * and the appointment checked in at once; null when no usable stock is left (nothing is written then).
 */
export async function insertWalkIn(
  tx: EntityManager,
  w: {
    id: string;
    session: { id: string; facilityId: string; programme: string; productCode: string; date: string };
    slotId: string;
    doseKind: string;
    slipCode: string;
    person: PersonFacts;
  },
): Promise<AppointmentRow | null> {
  const [result] = await sql<{ stock_ok: number; appointment: AppointmentRow | null }>(
    tx,
    `with session_take as (
       update session set next_queue = next_queue + 1 where id = :sessionId returning next_queue
     ), stock_take as (
       update stock_commitment c set committed = c.committed + 1
        where c.facility_id = :facilityId and c.product_code = :productCode and exists (select 1 from session_take)
          and ${STOCK_LEFT}
       returning 1
     ), appt as (
       insert into appointment (id, session_id, slot_id, facility_id, programme, product_code, dose_kind, session_date, queue_number, slip_code,
                                status, walk_in, nik_hash, nik_enc, name_enc, birth_date, sex, phone_hash, residence_kelurahan_code, checked_in_at)
       select :id, :sessionId, :slotId, :facilityId, :programme, :productCode, :doseKind, :date::date, (select next_queue from session_take), :slipCode,
              'CHECKED_IN', true, :nikHash, :nikEnc, :nameEnc, :birthDate::date, :sex, :phoneHash, :residenceKelurahanCode, now()
        where exists (select 1 from stock_take)
       returning *
     )
     select (select count(*) from stock_take)::int as stock_ok, (select to_jsonb(appt) from appt) as appointment`,
    {
      id: w.id,
      sessionId: w.session.id,
      slotId: w.slotId,
      facilityId: w.session.facilityId,
      programme: w.session.programme,
      productCode: w.session.productCode,
      doseKind: w.doseKind,
      date: w.session.date,
      slipCode: w.slipCode,
      nikHash: w.person.nikHash,
      nikEnc: w.person.nikEnc,
      nameEnc: w.person.nameEnc,
      birthDate: w.person.birthDate,
      sex: w.person.sex,
      phoneHash: w.person.phoneHash,
      residenceKelurahanCode: w.person.residenceKelurahanCode,
    },
  );
  return result?.appointment ?? null;
}

/**
 * Every appointment of the session still BOOKED becomes NO_SHOW; their phones' family quota and their
 * single-antigen stock promises are freed (multi-antigen ones release per antigen: releaseVisitDoses).
 * Returns them in queue order.
 */
export async function markSessionNoShows(tx: EntityManager, sessionId: string): Promise<AppointmentRow[]> {
  return sql<AppointmentRow>(
    tx,
    `with ns as (
       update appointment set status = 'NO_SHOW' where session_id = :sessionId and status = 'BOOKED' returning *
     ), phone_free as (
       update phone_quota q set live = q.live - x.n
         from (select phone_hash, count(*)::int as n from ns where phone_hash is not null group by phone_hash) x
        where q.phone_hash = x.phone_hash returning 1
     ), stock_free as (
       update stock_commitment c set committed = c.committed - x.n
         from (select facility_id, product_code, count(*)::int as n from ns where not ${HOLDS_PER_DOSE('ns.id')} group by facility_id, product_code) x
        where c.facility_id = x.facility_id and c.product_code = x.product_code returning 1
     )
     select ${appointmentColumns('ns')}
       from ns order by queue_number`,
    { sessionId },
  );
}

/** A facility's appointments of one day (not cancelled), in slot and queue order. */
export async function dayList(em: EntityManager, d: { facilityId: string; date: string }): Promise<AppointmentRow[]> {
  return sql<AppointmentRow>(
    em,
    `select ${appointmentColumns('a')}
       from appointment a join slot sl on sl.id = a.slot_id
      where a.facility_id = :facilityId and a.session_date = :date::date and a.status <> 'CANCELLED'
      order by sl.start_time, a.queue_number`,
    d,
  );
}

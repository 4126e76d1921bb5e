import type { AppointmentPayload } from '@victori/shared';
import { productRef } from '../../external/product.stub.js';
import { Appointment } from './appointment.type.js';

export type AppointmentStatus = 'BOOKED' | 'CHECKED_IN' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';

/** An appointment row as selected with APPOINTMENT_COLUMNS, or as stored by to_jsonb(row) (idempotent replays). */
export interface AppointmentRow {
  id: string;
  session_id: string;
  slot_id: string;
  facility_id: string;
  programme: string;
  product_code: string;
  dose_kind: string;
  session_date: string;
  queue_number: number;
  slip_code: string;
  status: AppointmentStatus;
  walk_in: boolean;
  nik_hash: string;
  nik_enc: string;
  name_enc: string;
  birth_date: string;
  sex: string;
  phone_hash: string | null;
  residence_kelurahan_code: string;
  booked_by: string | null;
  booked_at: string | Date;
  checked_in_at: string | Date | null;
  completed_at: string | Date | null;
  cancelled_at: string | Date | null;
}

/** The columns of AppointmentRow, optionally qualified by a table alias. */
export function appointmentColumns(alias?: string): string {
  const a = alias ? `${alias}.` : '';
  return `${a}id, ${a}session_id, ${a}slot_id, ${a}facility_id, ${a}programme, ${a}product_code, ${a}dose_kind,
    ${a}session_date::text as session_date, ${a}queue_number, ${a}slip_code, ${a}status, ${a}walk_in, ${a}nik_hash, ${a}nik_enc,
    ${a}name_enc, ${a}birth_date::text as birth_date, ${a}sex, ${a}phone_hash, ${a}residence_kelurahan_code, ${a}booked_by,
    ${a}booked_at, ${a}checked_in_at, ${a}completed_at, ${a}cancelled_at`;
}

export const APPOINTMENT_COLUMNS = appointmentColumns();

const iso = (v: string | Date | null): string | undefined => (v == null ? undefined : new Date(v).toISOString());

export function toAppointment(r: AppointmentRow): Appointment {
  return Object.assign(new Appointment(), {
    id: r.id,
    status: r.status,
    queueNumber: r.queue_number,
    slipCode: r.slip_code,
    programme: r.programme,
    doseKind: r.dose_kind,
    productCode: r.product_code,
    product: productRef(r.product_code),
    sessionDate: String(r.session_date).slice(0, 10),
    walkIn: r.walk_in,
    birthDate: String(r.birth_date).slice(0, 10),
    sex: r.sex,
    residenceKelurahanCode: r.residence_kelurahan_code,
    bookedAt: iso(r.booked_at)!,
    checkedInAt: iso(r.checked_in_at),
    completedAt: iso(r.completed_at),
    cancelledAt: iso(r.cancelled_at),
    sessionId: r.session_id,
    slotId: r.slot_id,
    facilityId: r.facility_id,
    nikEnc: r.nik_enc,
    nameEnc: r.name_enc,
    identityKey: r.nik_hash,
  });
}

export function appointmentPayload(
  r: Pick<
    AppointmentRow,
    | 'id'
    | 'session_id'
    | 'slot_id'
    | 'facility_id'
    | 'programme'
    | 'product_code'
    | 'dose_kind'
    | 'session_date'
    | 'status'
    | 'nik_hash'
    | 'walk_in'
  >,
  previous?: AppointmentPayload['previous'],
): AppointmentPayload {
  return {
    appointmentId: r.id,
    sessionId: r.session_id,
    slotId: r.slot_id,
    facilityId: r.facility_id,
    programme: r.programme,
    productCode: r.product_code,
    doseKind: r.dose_kind,
    sessionDate: String(r.session_date).slice(0, 10),
    status: r.status,
    nikHash: r.nik_hash,
    personId: personIdOf(r.nik_hash),
    walkIn: r.walk_in,
    ...(previous ? { previous } : {}),
  };
}

/** The registry id of an appointment booked by it (its identity key is `person:<id>`, see registryKey). */
export const personIdOf = (identity: string): string | null => (identity.startsWith('person:') ? identity.slice('person:'.length) : null);

import { productRef } from '../../external/product.stub.js';
import type { SessionPayload } from '@victori/shared';
import { localNow, minutesOf } from '../../time.js';
import { Session, SessionWarning, SessionWarningCode, Slot } from './session.type.js';

/** A session as read with its stock headroom (session.store.ts). */
export interface SessionRow {
  id: string;
  facility_id: string;
  date: string;
  start_time: string;
  end_time: string;
  programme: string;
  product_code: string;
  dose_kinds: string[];
  capacity: number;
  booked: number;
  served_count: number;
  status: 'OPEN' | 'CLOSED';
  stock_free: number;
  school_grade?: number | null;
}

export interface SlotRow {
  id: string;
  session_id: string;
  start_time: string;
  end_time: string;
  capacity: number;
  booked: number;
}

/**
 * Whether a window on `date` is over for booking at `now` (Asia/Jakarta): a slot at its start (booking
 * refuses it from then on), a session at its end. Times are zero-padded HH:MM, so the SQL filter compares
 * the same text (the `hasPlacesAt` filter in session.store.ts).
 */
export function isPast(date: string, time: string, now = localNow()): boolean {
  return date < now.date || (date === now.date && minutesOf(time) <= now.minutes);
}

export function toSession(r: SessionRow): Session {
  const open = r.status === 'OPEN' && !isPast(r.date, r.end_time);
  return Object.assign(new Session(), {
    id: r.id,
    facilityId: r.facility_id,
    date: r.date,
    startTime: r.start_time,
    endTime: r.end_time,
    programme: r.programme,
    productCode: r.product_code,
    product: productRef(r.product_code),
    doseKinds: r.dose_kinds,
    schoolGrade: r.school_grade ?? undefined,
    capacity: r.capacity,
    booked: r.booked,
    servedCount: r.served_count,
    status: r.status,
    stockFree: r.stock_free,
    remainingPlaces: open ? Math.max(0, Math.min(r.capacity - r.booked, r.stock_free)) : 0,
  });
}

export function toSlot(r: SlotRow, session: Pick<Session, 'status' | 'stockFree' | 'date'>): Slot {
  const open = session.status === 'OPEN' && !isPast(session.date, r.start_time);
  return Object.assign(new Slot(), {
    id: r.id,
    sessionId: r.session_id,
    startTime: r.start_time,
    endTime: r.end_time,
    capacity: r.capacity,
    booked: r.booked,
    remainingPlaces: open ? Math.max(0, Math.min(r.capacity - r.booked, session.stockFree)) : 0,
  });
}

export function sessionPayload(
  r: Pick<
    SessionRow,
    'id' | 'facility_id' | 'date' | 'start_time' | 'end_time' | 'programme' | 'product_code' | 'dose_kinds' | 'capacity' | 'status'
  >,
): SessionPayload {
  return {
    sessionId: r.id,
    facilityId: r.facility_id,
    date: r.date,
    startTime: r.start_time,
    endTime: r.end_time,
    programme: r.programme,
    productCode: r.product_code,
    doseKinds: r.dose_kinds,
    capacity: r.capacity,
    status: r.status,
  };
}

/**
 * Warnings as data: a planner may well open a session before a delivery arrives, so low stock must not
 * refuse the change, but the planner must see that places will be capped by stock.
 */
export function stockWarnings(session: Pick<Session, 'capacity' | 'booked' | 'stockFree'>): SessionWarning[] {
  const openPlaces = Math.max(0, session.capacity - session.booked);
  const usableStock = session.stockFree;
  if (openPlaces === 0 || usableStock >= openPlaces) return [];
  const warning = (code: SessionWarningCode, message: string, messageEn: string): SessionWarning =>
    Object.assign(new SessionWarning(), { code, message, messageEn, usableStock, openPlaces });
  if (usableStock === 0) {
    return [
      warning(
        SessionWarningCode.NO_USABLE_STOCK,
        'Belum ada stok vaksin yang dapat dipakai untuk sesi ini; tidak ada tempat yang dapat dipesan sampai stok masuk',
        'There is no usable vaccine stock for this session; no place can be booked until stock arrives',
      ),
    ];
  }
  return [
    warning(
      SessionWarningCode.STOCK_BELOW_CAPACITY,
      `Stok vaksin yang dapat dipakai (${usableStock} dosis) kurang dari ${openPlaces} tempat sesi ini`,
      `Usable vaccine stock (${usableStock} doses) is below the ${openPlaces} places of this session`,
    ),
  ];
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne, type AppointmentPayload } from '@victori/shared';

/** The operations projection's SQL: appointments' latest state, stock lots and the facility-day stock. */

/** Appointments' latest states, a run at once: the last event of an appointment in the run wins. */
export async function upsertAppointments(tx: EntityManager, appointments: AppointmentPayload[]): Promise<void> {
  if (appointments.length === 0) return;
  await sql(
    tx,
    `insert into appointment_fact (appointment_id, facility_id, session_date, product_code, status)
     select appointment_id, facility_id, session_date, product_code, status from (
       select distinct on (appointment_id) * from jsonb_to_recordset(:rows::jsonb)
         as r(ord int, appointment_id uuid, facility_id uuid, session_date date, product_code varchar, status varchar)
        order by appointment_id, ord desc) r
     on conflict (appointment_id) do update set facility_id = excluded.facility_id, session_date = excluded.session_date,
       product_code = excluded.product_code, status = excluded.status`,
    {
      rows: JSON.stringify(
        appointments.map((p, ord) => ({
          ord,
          appointment_id: p.appointmentId,
          facility_id: p.facilityId,
          session_date: p.sessionDate,
          product_code: p.productCode,
          status: p.status,
        })),
      ),
    },
  );
}

export interface HeldStock {
  /** Doses of the product at the facility over all lots. */
  total: number;
  /** Lots of the product ever stocked there (0: never stocked). */
  lots: number;
  /** This lot's balance, null when it was never stocked. */
  lot: number | null;
}

export async function heldStock(tx: EntityManager, facilityId: string, productCode: string, lotNumber: string): Promise<HeldStock> {
  const row = await sqlOne<{ total: string | null; lots: string; lot: number | null }>(
    tx,
    `select sum(balance) as total, count(*) as lots, max(balance) filter (where lot_number = :lotNumber) as lot
       from stock_lot where facility_id = :facilityId and product_code = :productCode`,
    { lotNumber, facilityId, productCode },
  );
  return { total: Number(row?.total ?? 0), lots: Number(row?.lots ?? 0), lot: row?.lot ?? null };
}

export async function setLotBalance(
  tx: EntityManager,
  facilityId: string,
  productCode: string,
  lotNumber: string,
  balance: number,
): Promise<void> {
  await sql(
    tx,
    `insert into stock_lot (facility_id, product_code, lot_number, balance) values (:facilityId, :productCode, :lotNumber, :balance)
     on conflict (facility_id, product_code, lot_number) do update set balance = excluded.balance`,
    { facilityId, productCode, lotNumber, balance },
  );
}

export interface StockDayEntry {
  facilityId: string;
  productCode: string;
  day: string;
  onHand: number;
  /** The level the day opened at (before the entry) when the product was stocked already. */
  opening: number;
  received: number;
  administered: number;
  used: number;
}

/** The day's end level, its lowest level and its flows. */
export async function addStockDay(tx: EntityManager, e: StockDayEntry): Promise<void> {
  await sql(
    tx,
    `insert into stock_day (facility_id, product_code, day, on_hand, min_on_hand, received, administered, used)
     values (:facilityId, :productCode, :day, :onHand, least(:opening::int, :onHand::int), :received, :administered, :used)
     on conflict (facility_id, product_code, day) do update set on_hand = excluded.on_hand,
       min_on_hand = least(stock_day.min_on_hand, excluded.on_hand), received = stock_day.received + excluded.received,
       administered = stock_day.administered + excluded.administered, used = stock_day.used + excluded.used`,
    { ...e },
  );
}

export async function truncateOperations(tx: EntityManager): Promise<void> {
  await sql(tx, `truncate appointment_fact, stock_lot, stock_day`);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentCheckedIn,
  AppointmentCompleted,
  AppointmentNoShow,
  AppointmentRescheduled,
  on,
  StockChanged,
  type AppointmentPayload,
  type ConsumerDefinition,
  type StockChangedPayload,
} from '@victori/shared';
import type { ReportingSettings } from '../config.js';
import { localDay } from '../modules/dates.js';

/** The appointment's latest state; a rescheduled appointment moves to its new facility and day. */
export async function onAppointment(tx: EntityManager, p: AppointmentPayload): Promise<void> {
  await tx.execute(
    `insert into appointment_fact (appointment_id, facility_id, session_date, product_code, status) values (?, ?, ?, ?, ?)
     on conflict (appointment_id) do update set facility_id = excluded.facility_id, session_date = excluded.session_date,
       product_code = excluded.product_code, status = excluded.status`,
    [p.appointmentId, p.facilityId, p.sessionDate, p.productCode, p.status],
  );
}

/**
 * One ledger entry: updates the lot's balance, the facility's on-hand of the product at the end of
 * the entry's day, the lowest level during that day (0 means a stock-out) and the day's flows.
 */
export async function onStockChanged(tx: EntityManager, p: StockChangedPayload, settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const [held] = await tx.execute<{ total: string | null; lots: string; lot: number | null }[]>(
    `select sum(balance) as total, count(*) as lots, max(balance) filter (where lot_number = ?) as lot
       from stock_lot where facility_id = ? and product_code = ?`,
    [p.lotNumber, p.facilityId, p.productCode],
  );
  const stockedBefore = Number(held?.lots ?? 0) > 0;
  const holdingBefore = Number(held?.total ?? 0);
  const holding = holdingBefore - (held?.lot ?? 0) + p.balanceAfter;
  await tx.execute(
    `insert into stock_lot (facility_id, product_code, lot_number, balance) values (?, ?, ?, ?)
     on conflict (facility_id, product_code, lot_number) do update set balance = excluded.balance`,
    [p.facilityId, p.productCode, p.lotNumber, p.balanceAfter],
  );
  const out = Math.max(0, -p.quantity);
  const administered = p.reason === definitions.wastage.administeredReason ? out : 0;
  const used = definitions.wastage.usedReasons.includes(p.reason) ? out : 0;
  const received = definitions.wastage.receivedReasons.includes(p.reason) ? Math.max(0, p.quantity) : 0;
  // The day opens at the level before this entry, unless the product was never stocked here.
  const opening = stockedBefore ? holdingBefore : holding;
  await tx.execute(
    `insert into stock_day (facility_id, product_code, day, on_hand, min_on_hand, received, administered, used)
     values (?, ?, ?, ?, least(?::int, ?::int), ?, ?, ?)
     on conflict (facility_id, product_code, day) do update set on_hand = excluded.on_hand,
       min_on_hand = least(stock_day.min_on_hand, excluded.on_hand), received = stock_day.received + excluded.received,
       administered = stock_day.administered + excluded.administered, used = stock_day.used + excluded.used`,
    [p.facilityId, p.productCode, localDay(p.at, config.timeZone), holding, opening, holding, received, administered, used],
  );
}

export const operationsConsumer = (settings: ReportingSettings): ConsumerDefinition => ({
  name: 'reporting.operations',
  handlers: [
    ...[AppointmentBooked, AppointmentCancelled, AppointmentRescheduled, AppointmentCheckedIn, AppointmentCompleted, AppointmentNoShow].map(
      (c) => on(c, (tx, e) => onAppointment(tx, e.payload)),
    ),
    on(StockChanged, (tx, e) => onStockChanged(tx, e.payload, settings)),
  ],
  async reset(tx) {
    await tx.execute(`truncate appointment_fact, stock_lot, stock_day`);
  },
});

import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentCheckedIn,
  AppointmentCompleted,
  AppointmentNoShow,
  AppointmentRescheduled,
  on,
  onBatch,
  StockChanged,
  type AppointmentPayload,
  type ConsumerDefinition,
  type StockChangedPayload,
} from '@victori/shared';
import type { ReportingSettings } from '../config.js';
import { localDay } from '../modules/dates.js';
import { addStockDay, heldStock, setLotBalance, truncateOperations, upsertAppointments } from './operations.store.js';

/** The appointments' latest states; a rescheduled appointment moves to its new facility and day. */
export async function onAppointments(tx: EntityManager, appointments: AppointmentPayload[]): Promise<void> {
  await upsertAppointments(tx, appointments);
}

/**
 * One ledger entry: updates the lot's balance, the facility's on-hand of the product at the end of
 * the entry's day, the lowest level during that day (0 means a stock-out) and the day's flows.
 */
export async function onStockChanged(tx: EntityManager, p: StockChangedPayload, settings: ReportingSettings): Promise<void> {
  const { config, definitions } = settings;
  const held = await heldStock(tx, p.facilityId, p.productCode, p.lotNumber);
  const holding = held.total - (held.lot ?? 0) + p.balanceAfter;
  await setLotBalance(tx, p.facilityId, p.productCode, p.lotNumber, p.balanceAfter);
  const out = Math.max(0, -p.quantity);
  await addStockDay(tx, {
    facilityId: p.facilityId,
    productCode: p.productCode,
    day: localDay(p.at, config.timeZone),
    onHand: holding,
    // The day opens at the level before this entry, unless the product was never stocked here.
    opening: held.lots > 0 ? held.total : holding,
    received: definitions.wastage.receivedReasons.includes(p.reason) ? Math.max(0, p.quantity) : 0,
    administered: p.reason === definitions.wastage.administeredReason ? out : 0,
    used: definitions.wastage.usedReasons.includes(p.reason) ? out : 0,
  });
}

export const operationsConsumer = (settings: ReportingSettings): ConsumerDefinition => ({
  name: 'reporting.operations',
  handlers: [
    ...[AppointmentBooked, AppointmentCancelled, AppointmentRescheduled, AppointmentCheckedIn, AppointmentCompleted, AppointmentNoShow].map(
      (c) =>
        onBatch(c, (tx, events) =>
          onAppointments(
            tx,
            events.map((e) => e.payload),
          ),
        ),
    ),
    on(StockChanged, (tx, e) => onStockChanged(tx, e.payload, settings)),
  ],
  reset: (tx) => truncateOperations(tx),
});

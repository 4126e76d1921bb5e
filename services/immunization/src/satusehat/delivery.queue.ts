import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveryProblem } from './client.js';
import { deliveriesOfRecords, insertDeliveries } from './delivery.store.js';

/**
 * The national delivery queue as the dose module, the import and the loaders use it: queue in the
 * caller's transaction, read a record's rows. Its SQL is in delivery.store.ts.
 */
export { DELIVERY_REQUEUE, pgArrayNullable, VISIT_OF_RECORD } from './delivery.store.js';

/** FAILED: a person must fix something (the problem says what); NOT_APPLICABLE: this target does not take the record. */
export type DeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED' | 'NOT_APPLICABLE';

/** The national systems a dose record goes to, each worked off independently (one's outage never holds the other). */
export const TARGETS = ['SATUSEHAT', 'PCARE'] as const;
export type Target = (typeof TARGETS)[number];

export interface DeliveryRow {
  id: string;
  target: Target;
  dedupe_key: string;
  person_id: string;
  dose_record_id: string | null;
  status: DeliveryState;
  version: number;
  delivered_version: number | null;
  remote_id: string | null;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  problem: DeliveryProblem | null;
  visit_key: string | null;
  delivered_at: Date | null;
  updated_at: Date;
}

export interface DeliveryItem {
  dedupeKey: string;
  personId: string;
  /** The record to deliver under this key, or null when the dose was voided. */
  doseRecordId: string | null;
}

/**
 * Queues records for the national record inside the caller's transaction (the record and its
 * delivery commit together). One row per dose identity: a correction replaces what is to be sent
 * and restarts delivery, so the national record holds one resource per dose.
 */
export async function enqueueDeliveries(tx: EntityManager, items: DeliveryItem[]): Promise<void> {
  await insertDeliveries(tx, { items, targets: TARGETS });
}

/** The queue rows of these dose records (every target), in target order. */
export async function deliveryRowsByRecord(em: EntityManager, doseRecordIds: string[]): Promise<DeliveryRow[]> {
  return deliveriesOfRecords(em, { doseRecordIds });
}

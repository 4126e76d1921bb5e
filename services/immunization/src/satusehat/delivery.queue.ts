import type { EntityManager } from '@mikro-orm/postgresql';

export type DeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface DeliveryRow {
  id: string;
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
  delivered_at: Date | null;
  updated_at: Date;
}

/** A PostgreSQL array literal in which null stays NULL (uuid[] columns with gaps). */
export function pgArrayNullable(values: (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)).join(',')}}`;
}

export interface DeliveryItem {
  dedupeKey: string;
  personId: string;
  /** The record to deliver under this key, or null when the dose was voided. */
  doseRecordId: string | null;
}

/**
 * What queuing a dose identity that is already queued does: the new record replaces the one to be
 * sent and delivery restarts (the national resource is then updated in place).
 */
export const DELIVERY_REQUEUE = `on conflict (dedupe_key) do update set
       dose_record_id = excluded.dose_record_id, version = national_delivery.version + 1, status = 'PENDING',
       attempts = 0, next_attempt_at = now(), last_error = null, updated_at = now()`;

/**
 * Queues records for the national record inside the caller's transaction (the record and its
 * delivery commit together). One row per dose identity: a correction replaces what is to be sent
 * and restarts delivery, so the national record holds one resource per dose.
 */
export async function enqueueDeliveries(tx: EntityManager, items: DeliveryItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.execute(
    `insert into national_delivery (dedupe_key, person_id, dose_record_id)
     select * from unnest(?::varchar[], ?::uuid[], ?::uuid[])
     ${DELIVERY_REQUEUE}`,
    [
      pgArrayNullable(items.map((i) => i.dedupeKey)),
      pgArrayNullable(items.map((i) => i.personId)),
      pgArrayNullable(items.map((i) => i.doseRecordId)),
    ],
  );
}

export async function deliveryRowsByRecord(em: EntityManager, doseRecordIds: string[]): Promise<DeliveryRow[]> {
  if (doseRecordIds.length === 0) return [];
  return em.execute<DeliveryRow[]>(`select * from national_delivery where dose_record_id in (?)`, [doseRecordIds]);
}

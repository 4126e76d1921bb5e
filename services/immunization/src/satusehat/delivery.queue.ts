import type { EntityManager } from '@mikro-orm/postgresql';
import { VISIT_KEY_SQL } from '../migrations/Migration20261202020000_national_targets.js';
import type { DeliveryProblem } from './client.js';

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
export const DELIVERY_REQUEUE = `on conflict (target, dedupe_key) do update set
       dose_record_id = excluded.dose_record_id, version = national_delivery.version + 1, status = 'PENDING',
       visit_key = coalesce(excluded.visit_key, national_delivery.visit_key),
       attempts = 0, next_attempt_at = now(), last_error = null, problem = null, updated_at = now()`;

/** The visit of the record to send (a voided dose keeps the visit it was sent in). */
export const VISIT_OF_RECORD = `(select ${VISIT_KEY_SQL('r')} from dose_record r where r.id = u.dose_record_id)`;

/**
 * Queues records for the national record inside the caller's transaction (the record and its
 * delivery commit together). One row per dose identity: a correction replaces what is to be sent
 * and restarts delivery, so the national record holds one resource per dose.
 */
export async function enqueueDeliveries(tx: EntityManager, items: DeliveryItem[]): Promise<void> {
  if (items.length === 0) return;
  await tx.execute(
    `insert into national_delivery (target, dedupe_key, person_id, dose_record_id, visit_key)
     select t.target, u.dedupe_key, u.person_id, u.dose_record_id, ${VISIT_OF_RECORD}
     from unnest(?::varchar[], ?::uuid[], ?::uuid[]) as u(dedupe_key, person_id, dose_record_id)
     cross join unnest(?::varchar[]) as t(target)
     ${DELIVERY_REQUEUE}`,
    [
      pgArrayNullable(items.map((i) => i.dedupeKey)),
      pgArrayNullable(items.map((i) => i.personId)),
      pgArrayNullable(items.map((i) => i.doseRecordId)),
      pgArrayNullable([...TARGETS]),
    ],
  );
}

export async function deliveryRowsByRecord(em: EntityManager, doseRecordIds: string[]): Promise<DeliveryRow[]> {
  if (doseRecordIds.length === 0) return [];
  return em.execute<DeliveryRow[]>(`select * from national_delivery where dose_record_id in (?) order by target`, [doseRecordIds]);
}

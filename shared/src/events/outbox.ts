import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../sql.js';
import { createEnvelope, type EventContract, type EventEnvelope } from './envelope.js';

/** One event into the outbox (a prepared statement: every booking runs it). */
export const OUTBOX_INSERT = `insert into outbox (event_id, type, version, aggregate_id, occurred_at, payload) values ($1, $2, $3, $4, $5, $6)`;

/** Transactions (their EntityManager fork) that wrote to the outbox: their commit wakes the relay. */
const published = new WeakSet<EntityManager>();

/** Whether this transaction's EntityManager wrote to the outbox with publish() or publishMany(). */
export function publishedIn(tx: EntityManager): boolean {
  return published.has(tx);
}

/**
 * Writes an event to the service's outbox with the caller's transaction handle, so that the event
 * commits exactly when the state change does. Call inside `em.transactional(async (tx) => ...)`
 * with `tx`.
 */
export async function publish<T>(
  tx: EntityManager,
  producer: string,
  contract: EventContract<T>,
  aggregateId: string,
  payload: T,
): Promise<EventEnvelope<T>> {
  const event = createEnvelope(contract, producer, aggregateId, payload);
  await executePrepared(tx, OUTBOX_INSERT, outboxParams(event));
  published.add(tx);
  return event;
}

/** The parameters of `OUTBOX_INSERT` for an event. */
export function outboxParams(event: EventEnvelope<unknown>): unknown[] {
  return [event.id, event.type, event.version, event.aggregateId, event.occurredAt, JSON.stringify(event.payload)];
}

/** Many events in one statement (bulk operations such as imports). */
export async function publishMany<T>(
  tx: EntityManager,
  producer: string,
  contract: EventContract<T>,
  items: { aggregateId: string; payload: T }[],
): Promise<EventEnvelope<T>[]> {
  if (items.length === 0) return [];
  const events = items.map((i) => createEnvelope(contract, producer, i.aggregateId, i.payload));
  await tx.execute(
    `insert into outbox (event_id, type, version, aggregate_id, occurred_at, payload)
     select * from unnest(?::uuid[], ?::varchar[], ?::int[], ?::varchar[], ?::timestamptz[], ?::jsonb[])`,
    [
      pgArray(events.map((e) => e.id)),
      pgArray(events.map((e) => e.type)),
      pgArray(events.map((e) => String(e.version))),
      pgArray(events.map((e) => e.aggregateId)),
      pgArray(events.map((e) => e.occurredAt)),
      pgArray(events.map((e) => JSON.stringify(e.payload))),
    ],
  );
  published.add(tx);
  return events;
}

/** A PostgreSQL array literal (MikroORM expands JS arrays into lists, so we pass a literal). */
export function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

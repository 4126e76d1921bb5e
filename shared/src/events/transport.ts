import type { EventEnvelope, StoredEvent } from './envelope.js';

/**
 * The durable, ordered event log between services. The embedded default is PostgreSQL
 * (PgLogTransport); a broker for many machines (NATS JetStream, Kafka) implements the same four
 * calls: a stream with a sequence number per message and consumers that remember their position.
 */
export interface EventTransport {
  /** Durably appends; idempotent by event id (a relay that retries after a crash adds no duplicate). */
  append(events: EventEnvelope[]): Promise<void>;
  /** Events after `position` of the given types, in log order. */
  read(afterPosition: number, types: readonly string[], limit: number): Promise<StoredEvent[]>;
  /** The newest position (for lag). */
  head(): Promise<number>;
  /** Resolves when new events may be there, or after `timeoutMs`. */
  waitForNew(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

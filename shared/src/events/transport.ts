import type { EventEnvelope, StoredEvent } from './envelope.js';

/**
 * The durable, ordered event log between services. The embedded default is PostgreSQL
 * (PgLogTransport); NATS JetStream (JetStreamTransport) is the broker for many machines. Both keep a
 * stream with a sequence number per event (its `position`); how a consumer follows it is its feed.
 */
export interface EventTransport {
  /** Durably appends; idempotent by event id (a relay that retries after a crash adds no duplicate). */
  append(events: EventEnvelope[]): Promise<void>;
  /** Events after `position` of the given types, in log order (replay, tests, tools). */
  read(afterPosition: number, types: readonly string[], limit: number): Promise<StoredEvent[]>;
  /** The newest position (for lag). */
  head(): Promise<number>;
  /** Resolves when new events may be there, or after `timeoutMs`. */
  waitForNew(timeoutMs: number): Promise<void>;
  /** How one named consumer (shared by all replicas of its service) follows the log. */
  feed(consumer: string, types: readonly string[]): EventFeed;
  close(): Promise<void>;
}

/**
 * One consumer's delivery. The consumer applies what `next` returns in one transaction with its inbox
 * rows and its committed position, then calls `committed`. On the PostgreSQL log the consumer's
 * position in its own database is all there is (replicas race optimistically on it). On a broker the
 * position lives there too (a durable consumer, acknowledged after the commit): such a feed is
 * `exclusive`, i.e. only the replica holding the consumer's lease reads it, because concurrent readers
 * of one durable consumer would apply an aggregate's events out of order.
 */
export interface EventFeed {
  readonly exclusive: boolean;
  /**
   * Called when this instance takes the lease, and by rebuild (`fromStart`): delivery continues after
   * `position`, the consumer's last committed position (events a crashed holder had taken but not
   * committed come again, in order).
   */
  resume(position: number, fromStart: boolean): Promise<void>;
  /**
   * Up to `limit` events of the feed's types after `position`, in log order; [] when caught up. Until
   * `committed`, the same events come again (after a failed transaction).
   */
  next(position: number, limit: number): Promise<StoredEvent[]>;
  /** The events of the last `next` are committed in the consumer's database. */
  committed(): Promise<void>;
  /** Resolves when new events may be there, or after `timeoutMs`. */
  waitForNew(timeoutMs: number): Promise<void>;
  /** Wakes a `waitForNew` at once (the consumer is stopping). */
  interrupt(): void;
  /** Stops delivery to this instance (the lease was lost or the consumer stops). */
  pause(): Promise<void>;
}

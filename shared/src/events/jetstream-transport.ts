import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from '../logger.js';
import type { EventEnvelope, StoredEvent } from './envelope.js';
import type { EventFeed, EventTransport } from './transport.js';

export interface JetStreamOptions {
  url: string;
  /** The stream; its subjects are `<stream>.<partition>.<event type>`. */
  stream: string;
  /** Aggregate partitions: an aggregate's events share one subject, so one order. */
  partitions: number;
  /** How long the stream remembers a message id (Nats-Msg-Id) to drop a re-published event. */
  duplicateWindowMs: number;
  /** Stream replicas (3 or 5 on a production cluster). */
  replicas: number;
  /** How long a delivered event may stay unacknowledged before the server delivers it again. */
  ackWaitMs?: number;
  logger?: Logger;
}

/** Delivered events a holder keeps in memory ahead of its consumer. */
const QUEUE_CAP = 2_000;

/** 32-bit FNV-1a: the same partition for an aggregate on every machine and every version. */
export function partitionOf(aggregateId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < aggregateId.length; i++) {
    hash ^= aggregateId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** A durable consumer's name: JetStream allows no dots in it. */
export function durableName(consumer: string): string {
  return consumer.replace(/[^A-Za-z0-9_-]/g, '_');
}

function toEvent(msg: JsMsg): StoredEvent | undefined {
  try {
    return { ...msg.json<EventEnvelope>(), position: msg.seq };
  } catch {
    return undefined;
  }
}

const isNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError && (error.code === 404 || error.status === 404 || /not found/i.test(error.message));

/**
 * The event log on NATS JetStream: one stream, a subject per aggregate partition and event type, the
 * event id as the message id (the stream drops a re-published event within its duplicate window), and
 * per consumer one durable pull consumer shared by every replica of the service (acknowledged after
 * the consumer's commit). The stream sequence is the event's position.
 */
export class JetStreamTransport implements EventTransport {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly options: JetStreamOptions,
  ) {}

  /** Connects and creates the stream if it is not there (idempotent). */
  static async connect(options: JetStreamOptions): Promise<JetStreamTransport> {
    const nc = await connect({ servers: options.url, name: 'victori', maxReconnectAttempts: -1 });
    const transport = new JetStreamTransport(nc, jetstream(nc), await jetstreamManager(nc), options);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
          options.logger?.warn({ nats: status.type }, 'NATS connection status');
        }
      }
    })();
    await transport.ensureStream();
    return transport;
  }

  private subjectOf(event: EventEnvelope): string {
    const partition = partitionOf(event.aggregateId, this.options.partitions);
    return `${this.options.stream}.p${partition}.${event.type}`;
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.options.stream);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.jsm.streams.add({
        name: this.options.stream,
        subjects: [`${this.options.stream}.>`],
        storage: StorageType.File,
        num_replicas: this.options.replicas,
        duplicate_window: nanos(this.options.duplicateWindowMs),
        // Retained for replay: kept until an operator sets limits (max_age, max_bytes) on the stream.
        max_age: 0,
      });
    }
  }

  async append(events: EventEnvelope[]): Promise<void> {
    // Published together on one connection: the server stores them in this order. Each is
    // acknowledged by the stream; one that is not fails the batch and the relay sends it again
    // (the ones already stored are dropped as duplicates by their id).
    await Promise.all(events.map((e) => this.js.publish(this.subjectOf(e), JSON.stringify(e), { msgID: e.id })));
  }

  async read(afterPosition: number, types: readonly string[], limit: number): Promise<StoredEvent[]> {
    const head = await this.head();
    if (head <= afterPosition || limit <= 0) return [];
    const wanted = new Set(types);
    const consumer = await this.js.consumers.get(this.options.stream, {
      filter_subjects: `${this.options.stream}.>`,
      ...(afterPosition > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterPosition + 1 } : {}),
    });
    const out: StoredEvent[] = [];
    const messages = await consumer.consume({ max_messages: Math.min(Math.max(limit, 100), 1000) });
    try {
      for await (const msg of messages) {
        const event = toEvent(msg);
        if (event && wanted.has(event.type)) out.push(event);
        if (out.length >= limit || msg.seq >= head) break;
      }
    } finally {
      await messages.close();
      await consumer.delete().catch(() => undefined);
    }
    return out;
  }

  async head(): Promise<number> {
    const info = await this.jsm.streams.info(this.options.stream);
    return info.state.last_seq;
  }

  async waitForNew(timeoutMs: number): Promise<void> {
    // Consumers wait on their feed (a pull that the server answers when an event arrives).
    await new Promise((resolve) => setTimeout(resolve, timeoutMs));
  }

  feed(consumer: string, types: readonly string[]): EventFeed {
    return new JetStreamFeed(this.js, this.jsm, this.options, durableName(consumer), new Set(types));
  }

  /** Distinct events in the stream (tests). */
  async count(): Promise<number> {
    return (await this.jsm.streams.info(this.options.stream)).state.messages;
  }

  /** Removes a consumer's durable consumer (tests: a broker that lost the consumer's position). */
  async deleteDurable(consumer: string): Promise<void> {
    await this.jsm.consumers.delete(this.options.stream, durableName(consumer)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /** Deletes the whole stream (tests clean up their own stream). */
  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.options.stream);
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

/**
 * A durable pull consumer read by the one replica that holds the consumer's lease. Messages arrive
 * through a continuous pull (`consume`) into a queue; `next` takes what is there. Acknowledgement is
 * `all`: acknowledging the last delivered message of a committed batch acknowledges the batch.
 */
class JetStreamFeed implements EventFeed {
  readonly exclusive = true;
  private messages?: ConsumerMessages;
  private pump?: Promise<void>;
  private queue: JsMsg[] = [];
  private waiters: (() => void)[] = [];
  private spaceWaiters: (() => void)[] = [];
  /** The batch returned by `next` and not yet committed: it is returned again until it is. */
  private inFlight?: { events: StoredEvent[]; last: JsMsg };
  private broken = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamOptions,
    private readonly durable: string,
    private readonly types: Set<string>,
  ) {}

  async resume(position: number, fromStart: boolean): Promise<void> {
    await this.pause();
    const { stream } = this.options;
    let recreate = fromStart;
    try {
      const info = await this.jsm.consumers.info(stream, this.durable);
      // A holder that died (or stopped) with delivered, unacknowledged events: start again right
      // after what is committed, so that those come first and in order.
      if (info.num_ack_pending > 0) recreate = true;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      recreate = true;
    }
    if (recreate) {
      await this.jsm.consumers.delete(stream, this.durable).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      await this.jsm.consumers.add(stream, {
        durable_name: this.durable,
        ack_policy: AckPolicy.All,
        ack_wait: nanos(this.options.ackWaitMs ?? 60_000),
        max_deliver: -1,
        // One reader at a time (the lease), so this is no fairness bound between replicas: the
        // server's default (1,000) would stall delivery at every batch boundary.
        max_ack_pending: 20_000,
        filter_subject: `${stream}.>`,
        ...(position > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }
          : { deliver_policy: DeliverPolicy.All }),
      });
    }
    const consumer = await this.js.consumers.get(stream, this.durable);
    const messages = await consumer.consume({ max_messages: 1000 });
    this.messages = messages;
    this.broken = false;
    this.pump = (async () => {
      for await (const msg of messages) {
        this.queue.push(msg);
        this.wakeAll();
        // Back-pressure: while the queue is full the client stops pulling (its buffer stays full).
        while (this.queue.length >= QUEUE_CAP && this.messages === messages) {
          await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        }
      }
    })()
      .catch((error: unknown) => this.options.logger?.warn({ err: error, consumer: this.durable }, 'JetStream delivery ended'))
      .finally(() => {
        // Ended by itself, not by pause(): the next `next` starts delivery again.
        if (this.messages === messages) this.broken = true;
        this.wakeAll();
      });
  }

  async next(position: number, limit: number): Promise<StoredEvent[]> {
    if (this.broken && !this.inFlight) await this.resume(position, false);
    if (this.inFlight) {
      this.inFlight.last.working();
      return this.inFlight.events;
    }
    for (;;) {
      if (this.queue.length === 0 && !(await this.waitForQueue())) return [];
      // A fuller batch is one transaction for more events: wait briefly while the server says more are pending.
      while (this.queue.length < limit && (this.queue[this.queue.length - 1]?.info.pending ?? 0) > 0) {
        if (!(await this.waitForPush(100))) break;
      }
      const taken = this.queue.splice(0, limit);
      this.freeSpace();
      const events: StoredEvent[] = [];
      for (const msg of taken) {
        const event = toEvent(msg);
        if (!event) this.options.logger?.error({ consumer: this.durable, seq: msg.seq }, 'unreadable event skipped');
        // Events of other types, and deliveries of what is already committed, are only acknowledged.
        else if (event.position > position && this.types.has(event.type)) events.push(event);
      }
      const last = taken[taken.length - 1]!;
      if (events.length > 0) {
        this.inFlight = { events, last };
        return events;
      }
      await last.ackAck().catch(() => last.ack());
    }
  }

  /** True when events are queued; false when the consumer is caught up (nothing pending or in flight). */
  private async waitForQueue(): Promise<boolean> {
    if (!this.messages) return false;
    const info = await this.jsm.consumers.info(this.options.stream, this.durable);
    if (info.num_pending === 0 && info.num_ack_pending === 0) return false;
    await this.waitForPush(2_000);
    return this.queue.length > 0;
  }

  async committed(): Promise<void> {
    const batch = this.inFlight;
    this.inFlight = undefined;
    // Confirmed, so that the consumer's state says what is committed; a lost acknowledgement only
    // costs a redelivery that the inbox drops.
    if (batch) await batch.last.ackAck().catch(() => batch.last.ack());
  }

  private freeSpace(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async waitForNew(timeoutMs: number): Promise<void> {
    if (this.queue.length > 0) return;
    // Delivery wakes a holder at once, so it may sleep long between checks (idle CPU); a standby
    // looks for the lease about once a second.
    await this.waitForPush(Math.max(timeoutMs, this.messages ? 5_000 : 1_000));
  }

  interrupt(): void {
    this.wakeAll();
  }

  /** True when a message arrived within `timeoutMs`. */
  private waitForPush(timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async pause(): Promise<void> {
    const messages = this.messages;
    this.messages = undefined;
    this.queue = [];
    this.inFlight = undefined;
    this.wakeAll();
    this.freeSpace();
    if (messages) {
      await messages.close().catch(() => undefined);
      await this.pump;
    }
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { EventContract, StoredEvent } from './envelope.js';
import type { EventFeed, EventTransport } from './transport.js';
import { isDbUnavailable, pgTimeoutOptions } from '../db-errors.js';
import { sqlBound } from '../sql.js';

/** Advisory lock namespace of consumer leases (the second key is the consumer name's hash). */
const LEASE_LOCK = 7_470_003;

export type EventHandler<T> = (tx: EntityManager, event: StoredEvent<T>) => Promise<void>;

export type BatchEventHandler<T> = (tx: EntityManager, events: StoredEvent<T>[]) => Promise<void>;

export interface HandlerBinding {
  contract: EventContract<unknown>;
  handle: EventHandler<unknown>;
  /** Applies a run of consecutive events of this contract at once (high-volume projections). */
  handleBatch?: BatchEventHandler<unknown>;
}

/** Binds a handler to a contract with the payload's type. */
export function on<T>(contract: EventContract<T>, handle: EventHandler<T>): HandlerBinding {
  return { contract: contract as EventContract<unknown>, handle: handle as EventHandler<unknown> };
}

/**
 * Binds a batch handler: each run of consecutive new events of this contract in a delivered batch
 * is applied with one call (still in log order, in the consumer's transaction with its inbox rows).
 */
export function onBatch<T>(contract: EventContract<T>, handleBatch: BatchEventHandler<T>): HandlerBinding {
  const batch = handleBatch as BatchEventHandler<unknown>;
  return { contract: contract as EventContract<unknown>, handle: (tx, event) => batch(tx, [event]), handleBatch: batch };
}

export interface ConsumerDefinition {
  /** Unique per service, e.g. `inventory.administrations`. */
  name: string;
  handlers: HandlerBinding[];
  /** Empties the projection this consumer maintains (used by rebuild). */
  reset?: (tx: EntityManager) => Promise<void>;
}

export interface ConsumerOptions {
  /** Events per batch (default 500). */
  batchSize?: number;
  /**
   * The largest batch while a backlog lasts (default CONSUMER_MAX_BATCH; batchSize when only that is
   * given): a full batch doubles the next one, a partial one brings it back to batchSize.
   */
  maxBatchSize?: number;
  maxAttempts?: number;
  backoffMs?: number;
  idleMs?: number;
  /** Observes each committed batch (benchmarks measure end-to-end lag with it). */
  onCommitted?: (events: StoredEvent[], committedAt: number) => void;
}

export interface ConsumerStats {
  consumer: string;
  position: number;
  head: number;
  lag: number;
  lastLagMs: number | null;
  deadLetters: number;
}

export interface DeadLetter {
  id: string;
  consumer: string;
  eventId: string;
  type: string;
  version: number;
  producer: string;
  aggregateId: string;
  occurredAt: string;
  error: string;
  attempts: number;
  createdAt: string;
  resolvedAt: string | null;
  /** Set when an admin gave the event up (resolvedAt is then the same moment): who, and why. */
  discardedAt: string | null;
  discardedBy: string | null;
  discardReason: string | null;
}

class PoisonEvent extends Error {}

/** The largest batch a consumer with a backlog takes at once (a bulk import's thousands of events). */
export const CONSUMER_MAX_BATCH = 4000;

/**
 * Applies events from the transport in log order (so per aggregate in order), each in the consumer's
 * own transaction together with its inbox row and the new position: a redelivered event has no
 * second effect. A failing event is retried with back-off, then dead-lettered; the rest keep flowing.
 * On a broker's exclusive feed (JetStream) only the replica holding the consumer's lease (a session
 * advisory lock in the service's own database, released by PostgreSQL when that replica dies) reads;
 * the others stand by and take over.
 */
export class EventConsumer {
  private running = false;
  private loop?: Promise<void>;
  private readonly byKey = new Map<string, HandlerBinding>();
  private readonly feed: EventFeed;
  private lease?: pg.Client;
  private leaseHeld = false;
  readonly types: string[];
  applied = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly transport: EventTransport,
    private readonly logger: Logger,
    readonly definition: ConsumerDefinition,
    private readonly options: ConsumerOptions = {},
  ) {
    for (const h of definition.handlers) this.byKey.set(`${h.contract.type}@v${h.contract.version}`, h);
    this.types = [...new Set(definition.handlers.map((h) => h.contract.type))];
    this.feed = transport.feed(definition.name, this.types);
  }

  /** Whether this instance may read: always on a shared log; on an exclusive feed, while it holds the lease. */
  private async ensureLease(): Promise<boolean> {
    if (!this.feed.exclusive || this.leaseHeld) return true;
    if (!this.lease) {
      // keepAlive: a replica cut off from the database loses the lease in minutes rather than hours.
      const client = new pg.Client({ connectionString: this.orm.config.get('clientUrl'), keepAlive: true, ...pgTimeoutOptions() });
      const lost = (error?: Error): void => {
        if (this.lease !== client) return;
        this.lease = undefined;
        if (this.leaseHeld) this.logger.warn({ consumer: this.name, err: error }, 'consumer lease lost; standing by');
        this.leaseHeld = false;
        this.cachedPosition = undefined;
        void this.feed.pause();
        client.end().catch(() => undefined);
      };
      client.on('error', lost);
      client.on('end', () => lost());
      this.lease = client;
      try {
        await client.connect();
      } catch (error) {
        lost();
        throw error;
      }
    }
    const { rows } = await this.lease.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [
      LEASE_LOCK,
      this.name,
    ]);
    if (!rows[0]?.ok) return false;
    // Delivery continues right after what this service has committed.
    const position = await this.position();
    try {
      await this.feed.resume(position, false);
    } catch (error) {
      // The broker is out of reach from here: let a replica that can reach it take the lease.
      await this.lease?.query('select pg_advisory_unlock($1, hashtext($2))', [LEASE_LOCK, this.name]).catch(() => undefined);
      throw error;
    }
    this.cachedPosition = position;
    this.leaseHeld = true;
    this.logger.info({ consumer: this.name, position }, 'consumer lease taken');
    return true;
  }

  private async releaseLease(): Promise<void> {
    const client = this.lease;
    this.lease = undefined;
    this.leaseHeld = false;
    this.cachedPosition = undefined;
    await this.feed.pause();
    await client?.end().catch(() => undefined);
  }

  get name(): string {
    return this.definition.name;
  }

  async position(em: EntityManager = this.orm.em.fork()): Promise<number> {
    await em.execute(`insert into event_consumer (name, position) values (?, 0) on conflict (name) do nothing`, [this.name]);
    const [row] = await em.execute<{ position: string }[]>(`select position from event_consumer where name = ?`, [this.name]);
    return Number(row?.position ?? 0);
  }

  /** Applies one batch; returns the number of events consumed (applied, skipped or dead-lettered). */
  async pollOnce(): Promise<number> {
    if (!(await this.ensureLease())) return 0;
    const position = this.cachedPosition ?? (await this.position());
    const batchSize = this.options.batchSize ?? 500;
    const limit = this.nextBatch ?? batchSize;
    const events = await this.take(position, limit);
    const maxBatch = this.options.maxBatchSize ?? (this.options.batchSize === undefined ? CONSUMER_MAX_BATCH : batchSize);
    // Each statement of a batch costs about the same for 500 events as for 4,000: under a backlog, fewer and larger batches.
    this.nextBatch = events.length >= limit ? Math.min(limit * 2, maxBatch) : batchSize;
    // A full batch means more is waiting: on a shared log (reads are stateless, the log after a position never
    // changes) the next batch is read from the bus while this one is applied in our database.
    if (events.length >= limit && !this.feed.exclusive) {
      const after = events[events.length - 1]!.position;
      const next = this.nextBatch;
      this.prefetched = { after, limit: next, events: this.feed.next(after, next).catch(() => null) };
    }
    if (events.length === 0) {
      this.cachedPosition = position;
      // Only for the lag figure (never for what is read): nothing of our types up to about this head.
      this.caughtUpTo = Math.max(this.caughtUpTo, await this.transport.head());
      return 0;
    }
    try {
      await this.orm.em.fork().transactional(async (tx) => {
        // One statement records the whole batch in the inbox; only events new to it are applied.
        const fresh = await sqlBound<{ event_id: string }>(
          tx,
          `insert into event_inbox (consumer, event_id) select :consumer::varchar, unnest(:ids::uuid[]) on conflict do nothing returning event_id`,
          { consumer: this.name, ids: events.map((e) => e.id) },
        );
        const isNew = new Set(fresh.map((r) => r.event_id));
        await this.applyRuns(
          tx,
          events.filter((e) => isNew.has(e.id)),
        );
        // Optimistic: if another instance moved the position meanwhile, roll back and re-read.
        if (!(await this.advance(tx, events[events.length - 1]!, position))) throw new Error('position moved');
      });
      this.cachedPosition = events[events.length - 1]!.position;
    } catch {
      this.cachedPosition = undefined;
      // Isolate the failing event: apply one at a time, with retries and dead-lettering.
      for (const event of events) await this.applyWithRetries(event);
    }
    // Acknowledged only now that the inbox rows and the position are committed.
    await this.feed.committed();
    this.applied += events.length;
    this.options.onCommitted?.(events, Date.now());
    return events.length;
  }

  /**
   * The batch after `position`: the one read ahead while the previous batch was applied, when it was read
   * from this very position (else it is dropped: the position moved, or the read failed), or a fresh read.
   */
  private async take(position: number, limit: number): Promise<StoredEvent[]> {
    const ahead = this.prefetched;
    this.prefetched = undefined;
    if (ahead && ahead.after === position && ahead.limit === limit) {
      const events = await ahead.events;
      if (events) return events;
    }
    return this.feed.next(position, limit);
  }

  /** The next batch, read ahead on a shared log while a full batch is applied. */
  private prefetched?: { after: number; limit: number; events: Promise<StoredEvent[] | null> };
  /** The size of the next batch (grows while batches come back full). */
  private nextBatch?: number;
  /** Our own last committed position, so a poll costs no extra round trip (reset by rebuild). */
  private cachedPosition?: number;
  /** The log head at the last poll that found nothing of this consumer's types (for lag). */
  private caughtUpTo = 0;

  private async advance(tx: EntityManager, last: StoredEvent, expected?: number): Promise<boolean> {
    const lagMs = Math.min(Math.max(0, Date.now() - Date.parse(last.occurredAt)), 2_147_483_647);
    const result = await tx.execute<{ affectedRows?: number; rows?: unknown[] }>(
      `update event_consumer set position = ?, last_lag_ms = ?, updated_at = now() where name = ? and ${expected === undefined ? 'position < ?' : 'position = ?'}`,
      [last.position, lagMs, this.name, expected ?? last.position],
      'run',
    );
    return (result.affectedRows ?? 0) > 0;
  }

  /** Applies events in order; consecutive events of a batch-bound contract go to its batch handler at once. */
  private async applyRuns(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    let i = 0;
    while (i < events.length) {
      const event = events[i]!;
      const binding = this.byKey.get(`${event.type}@v${event.version}`);
      if (!binding?.handleBatch) {
        await this.applyOne(tx, event, true, false);
        i++;
        continue;
      }
      const run: StoredEvent[] = [];
      while (i < events.length && events[i]!.type === event.type && events[i]!.version === event.version) {
        const parsed = binding.contract.schema.safeParse(events[i]!.payload);
        if (!parsed.success) throw new PoisonEvent();
        run.push({ ...events[i]!, payload: parsed.data });
        i++;
      }
      await binding.handleBatch(tx, run);
    }
  }

  /** Validates and applies one event inside tx; dead-letters an unknown version or invalid payload. */
  private async applyOne(tx: EntityManager, event: StoredEvent, inBatch: boolean, recordInbox = true): Promise<void> {
    const binding = this.byKey.get(`${event.type}@v${event.version}`);
    const parsed = binding?.contract.schema.safeParse(event.payload);
    if (!binding || !parsed?.success) {
      if (inBatch) throw new PoisonEvent();
      const reason = !binding
        ? `no handler for ${event.type} version ${event.version}`
        : `invalid payload: ${parsed?.error?.message ?? ''}`;
      await this.deadLetter(tx, event, reason, 1);
      return;
    }
    if (recordInbox) {
      const inserted = await tx.execute<{ event_id: string }[]>(
        `insert into event_inbox (consumer, event_id) values (?, ?) on conflict do nothing returning event_id`,
        [this.name, event.id],
      );
      if (inserted.length === 0) return;
    }
    await binding.handle(tx, { ...event, payload: parsed.data });
  }

  private async applyWithRetries(event: StoredEvent): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.orm.em.fork().transactional(async (tx) => {
          if ((await this.position(tx)) >= event.position) return;
          await this.applyOne(tx, event, false);
          await this.advance(tx, event);
        });
        return;
      } catch (error) {
        // A database that is gone is no fault of the event: the loop retries it later, it is never dead-lettered.
        if (isDbUnavailable(error)) throw error;
        lastError = error;
        this.logger.warn({ consumer: this.name, eventId: event.id, type: event.type, attempt, err: error }, 'event handler failed');
        if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, (this.options.backoffMs ?? 100) * 2 ** (attempt - 1)));
      }
    }
    await this.orm.em.fork().transactional(async (tx) => {
      await this.deadLetter(tx, event, lastError instanceof Error ? lastError.message : String(lastError), maxAttempts);
      await this.advance(tx, event);
    });
  }

  private async deadLetter(tx: EntityManager, event: StoredEvent, error: string, attempts: number): Promise<void> {
    await tx.execute(
      `insert into event_dead_letter (consumer, event_id, position, type, version, producer, aggregate_id, occurred_at, payload, error, attempts)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (consumer, event_id) do update set error = excluded.error, attempts = excluded.attempts`,
      [
        this.name,
        event.id,
        event.position,
        event.type,
        event.version,
        event.producer,
        event.aggregateId,
        event.occurredAt,
        JSON.stringify(event.payload),
        error,
        attempts,
      ],
    );
    this.logger.error({ consumer: this.name, eventId: event.id, type: event.type, version: event.version }, 'event dead-lettered');
  }

  /** Re-applies a dead-lettered event (after a fix or a new handler version). */
  async retryDeadLetter(id: string): Promise<DeadLetter> {
    const em = this.orm.em.fork();
    const [row] = await em.execute<Record<string, unknown>[]>(`select * from event_dead_letter where id = ? and consumer = ?`, [
      id,
      this.name,
    ]);
    if (!row) throw new Error(`dead letter ${id} not found`);
    const event: StoredEvent = {
      id: String(row.event_id),
      position: Number(row.position),
      type: String(row.type),
      version: Number(row.version),
      producer: String(row.producer),
      aggregateId: String(row.aggregate_id),
      occurredAt: new Date(row.occurred_at as string).toISOString(),
      payload: row.payload,
    };
    try {
      await em.transactional(async (tx) => {
        const binding = this.byKey.get(`${event.type}@v${event.version}`);
        const parsed = binding?.contract.schema.safeParse(event.payload);
        if (!binding) throw new Error(`no handler for ${event.type} version ${event.version}`);
        if (!parsed?.success) throw new Error(`invalid payload: ${parsed?.error?.message ?? ''}`);
        const inserted = await tx.execute<{ event_id: string }[]>(
          `insert into event_inbox (consumer, event_id) values (?, ?) on conflict do nothing returning event_id`,
          [this.name, event.id],
        );
        if (inserted.length) await binding.handle(tx, { ...event, payload: parsed.data });
        await tx.execute(`update event_dead_letter set resolved_at = now() where id = ?`, [id]);
      });
    } catch (error) {
      await em.execute(`update event_dead_letter set attempts = attempts + 1, error = ? where id = ?`, [
        error instanceof Error ? error.message : String(error),
        id,
      ]);
      throw error;
    }
    return (await this.deadLetters(true)).find((d) => d.id === String(id))!;
  }

  /**
   * Gives a dead-lettered event up without applying it (an event of a retired version, a payload no fix
   * will make valid): the row stays, resolved, with who discarded it, when and why. Null when this
   * consumer has no open dead letter of that id (unknown, or already retried or discarded).
   */
  async discardDeadLetter(id: string, audit: { actor: string; reason: string }): Promise<DeadLetter | null> {
    const rows = await this.orm.em.fork().execute<{ id: string }[]>(
      `update event_dead_letter set resolved_at = now(), discarded_at = now(), discarded_by = ?, discard_reason = ?
          where id = ? and consumer = ? and resolved_at is null returning id`,
      [audit.actor, audit.reason, id, this.name],
    );
    if (!rows.length) return null;
    // Who and which event, never the reason (free text) or the payload.
    this.logger.warn({ consumer: this.name, deadLetterId: id, actor: audit.actor }, 'dead letter discarded');
    return (await this.deadLetters(true)).find((d) => d.id === String(id)) ?? null;
  }

  async deadLetters(includeResolved = false, page: { afterId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    // Ids are one sequence per service database, so pages of several consumers merge by id.
    const rows = await this.orm.em.fork().execute<Record<string, unknown>[]>(
      `select * from event_dead_letter where consumer = ? ${includeResolved ? '' : 'and resolved_at is null'}
         ${page.afterId ? 'and id > ?' : ''} order by id ${page.limit ? `limit ${Math.trunc(page.limit)}` : ''}`,
      page.afterId ? [this.name, page.afterId] : [this.name],
    );
    return rows.map((r) => ({
      id: String(r.id),
      consumer: String(r.consumer),
      eventId: String(r.event_id),
      type: String(r.type),
      version: Number(r.version),
      producer: String(r.producer),
      aggregateId: String(r.aggregate_id),
      occurredAt: new Date(r.occurred_at as string).toISOString(),
      error: String(r.error),
      attempts: Number(r.attempts),
      createdAt: new Date(r.created_at as string).toISOString(),
      resolvedAt: r.resolved_at ? new Date(r.resolved_at as string).toISOString() : null,
      discardedAt: r.discarded_at ? new Date(r.discarded_at as string).toISOString() : null,
      discardedBy: r.discarded_by == null ? null : String(r.discarded_by),
      discardReason: r.discard_reason == null ? null : String(r.discard_reason),
    }));
  }

  async countDeadLetters(includeResolved = false): Promise<number> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from event_dead_letter where consumer = ? ${includeResolved ? '' : 'and resolved_at is null'}`,
        [this.name],
      );
    return Number(row?.n ?? 0);
  }

  async stats(): Promise<ConsumerStats> {
    const em = this.orm.em.fork();
    const position = await this.position(em);
    const [row] = await em.execute<{ last_lag_ms: number | null; dead: string }[]>(
      `select (select last_lag_ms from event_consumer where name = ?) as last_lag_ms,
              (select count(*) from event_dead_letter where consumer = ? and resolved_at is null) as dead`,
      [this.name, this.name],
    );
    const head = await this.transport.head();
    return {
      consumer: this.name,
      position,
      head,
      // Events of other types do not count as lag: past caughtUpTo there was nothing of ours.
      lag: Math.max(0, head - Math.max(position, this.caughtUpTo)),
      lastLagMs: row?.last_lag_ms ?? null,
      deadLetters: Number(row?.dead ?? 0),
    };
  }

  /** Empties the projection and consumes the retained history again from the start. */
  async rebuild(): Promise<number> {
    const wasRunning = this.running;
    await this.stopLoop();
    if (!(await this.ensureLease())) {
      throw new Error(`${this.name}: another instance holds the consumer; stop the service's replicas before a replay`);
    }
    this.cachedPosition = undefined;
    this.caughtUpTo = 0;
    await this.orm.em.fork().transactional(async (tx) => {
      await this.definition.reset?.(tx);
      await tx.execute(`delete from event_inbox where consumer = ?`, [this.name]);
      await tx.execute(`insert into event_consumer (name, position) values (?, 0) on conflict (name) do update set position = 0`, [
        this.name,
      ]);
    });
    await this.feed.resume(0, true);
    let total = 0;
    for (let n = await this.pollOnce(); n > 0; n = await this.pollOnce()) total += n;
    if (wasRunning) this.start();
    return total;
  }

  /** Applies until caught up with the log (tests, replay). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.pollOnce(); n > 0; n = await this.pollOnce()) total += n;
    return total;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let n = 0;
        try {
          n = await this.pollOnce();
        } catch (error) {
          this.logger.warn({ consumer: this.name, err: error }, 'consumer poll failed; retrying');
          await new Promise((r) => setTimeout(r, 500));
        }
        if (n === 0 && this.running) await this.feed.waitForNew(this.options.idleMs ?? 250);
      }
    })();
  }

  private async stopLoop(): Promise<void> {
    this.running = false;
    this.feed.interrupt();
    await this.loop;
  }

  /** Stops applying and hands the lease (if any) to another replica. */
  async stop(): Promise<void> {
    await this.stopLoop();
    await this.releaseLease();
  }
}

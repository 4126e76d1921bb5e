import pg from 'pg';
import { guardClient, guardPool, pgTimeoutOptions, type DbTimeouts } from '../db-errors.js';
import type { Logger } from '../logger.js';
import { payloadJson, type EventEnvelope, type StoredEvent } from './envelope.js';
import type { EventFeed, EventTransport } from './transport.js';

const CHANNEL = 'victori_bus';
/**
 * A consumer's wait on a quiet bus with LISTEN up: only a safety net, since every append NOTIFYs (which ends
 * the wait at once) and a lost listener wakes every waiter. At 5 s, the platform's consumers still made
 * about five statements a second between them doing nothing, each with its share of PostgreSQL's work.
 */
export const LISTENING_IDLE_MS = 30_000;
/** How long after the last notification the bus counts as quiet. */
const QUIET_MS = 2000;
/** Serialises appends so that positions become visible in order (no reader can skip a gap). */
const APPEND_LOCK = 7_470_001;

export const BUS_SCHEMA_SQL = `
create table if not exists bus_event (
  position bigserial primary key,
  event_id uuid not null unique,
  type varchar(100) not null,
  version int not null,
  producer varchar(40) not null,
  aggregate_id varchar(100) not null,
  occurred_at timestamptz not null,
  appended_at timestamptz not null default now(),
  payload jsonb not null
);
create index if not exists bus_event_type_position on bus_event (type, position);
`;

/** Creates the bus tables (idempotent). */
export async function migrateBus(url: string): Promise<void> {
  const client = guardClient(new pg.Client({ connectionString: url, ...pgTimeoutOptions() }), () => undefined);
  await client.connect();
  try {
    await client.query(BUS_SCHEMA_SQL);
  } finally {
    await client.end();
  }
}

/**
 * The event log on PostgreSQL: one append-only table with a bigserial position. Appends take a
 * transaction-scoped advisory lock so that a position is never visible before a smaller one;
 * consumers then read by position without gaps. LISTEN/NOTIFY wakes readers at once.
 */
export class PgLogTransport implements EventTransport {
  private readonly pool: pg.Pool;
  private listener?: pg.Client;
  /** The LISTEN connection while it connects: every waiter waits for it. */
  private listening?: Promise<void>;
  private waiters: (() => void)[] = [];
  /** When the last NOTIFY arrived (performance.now()); -Infinity before the first. */
  private lastNotification = -Infinity;
  private readonly url: string;
  private readonly timeouts?: DbTimeouts;
  private readonly onError: (message: string, error: Error) => void;

  constructor(url: string, poolSize = 4, options: { timeouts?: DbTimeouts; logger?: Logger } = {}) {
    this.url = url;
    this.timeouts = options.timeouts;
    // A terminated idle backend or a restarting server must cost a reconnect, not the process.
    this.onError = (message, error) =>
      options.logger?.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, message);
    // min 1: consumers on a quiet bus read less often than pg-pool's 10 s idle timeout; without a kept
    // connection each read paid a new backend and a SCRAM exchange (see initOrm).
    this.pool = guardPool(new pg.Pool({ connectionString: url, max: poolSize, min: 1, ...pgTimeoutOptions(this.timeouts) }), this.onError);
  }

  async append(events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      // The payloads travel as one JSON array (their texts joined, nothing parsed or escaped here), split by
      // PostgreSQL in order; the other columns as arrays.
      await client.query({
        name: 'bus-append',
        text: `insert into bus_event (event_id, type, version, producer, aggregate_id, occurred_at, payload)
         select u.event_id, u.type, u.version, u.producer, u.aggregate_id, u.occurred_at, p.payload::jsonb
           from unnest($1::uuid[], $2::varchar[], $3::int[], $4::varchar[], $5::varchar[], $6::timestamptz[])
                with ordinality as u(event_id, type, version, producer, aggregate_id, occurred_at, n)
           join json_array_elements($7::json) with ordinality as p(payload, n) using (n)
          order by u.n
         on conflict (event_id) do nothing`,
        values: [
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => e.version),
          events.map((e) => e.producer),
          events.map((e) => e.aggregateId),
          events.map((e) => e.occurredAt),
          `[${events.map(payloadJson).join(',')}]`,
        ],
      });
      await client.query(`select pg_notify('${CHANNEL}', '')`);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async read(afterPosition: number, types: readonly string[], limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<{
      position: string;
      event_id: string;
      type: string;
      version: number;
      producer: string;
      aggregate_id: string;
      occurred_at: Date;
      payload: unknown;
    }>(
      `select position, event_id, type, version, producer, aggregate_id, occurred_at, payload
         from bus_event where position > $1 and type = any($2::varchar[]) order by position limit $3`,
      [afterPosition, types, limit],
    );
    return rows.map((r) => ({
      position: Number(r.position),
      id: r.event_id,
      type: r.type,
      version: r.version,
      producer: r.producer,
      aggregateId: r.aggregate_id,
      occurredAt: r.occurred_at.toISOString(),
      payload: r.payload,
    }));
  }

  async head(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string | null }>('select max(position) as head from bus_event');
    return Number(rows[0]?.head ?? 0);
  }

  /**
   * Connects the LISTEN client once; every caller waits for the same connection. A caller that arrived while
   * it was still connecting used to go on at once and, with no notification yet (quiet), sleep the whole
   * LISTENING_IDLE_MS while nothing listened: with several consumers in one service, one of them sat out 30 s
   * with events waiting after every start (566 of inventory's in the bench; the demo stock booking waits for).
   */
  private listen(): Promise<void> {
    if (this.listening) return this.listening;
    if (this.listener) return Promise.resolve();
    // LISTEN holds its connection idle for good: no statement or idle-in-transaction timeout applies to it.
    const client = new pg.Client({ connectionString: this.url, ...pgTimeoutOptions(this.timeouts) });
    this.listener = client;
    client.on('notification', () => {
      this.lastNotification = performance.now();
      this.wakeAll();
    });
    const drop = (error?: Error): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      if (error) this.onError('event bus listener connection lost', error);
      client.end().catch(() => undefined);
      // Waiters would otherwise sleep out their timeout; they poll once and listen again.
      this.wakeAll();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    let listening: Promise<void> | undefined = undefined;
    listening = (async () => {
      try {
        await client.connect();
        await client.query(`listen ${CHANNEL}`);
        // An append between a waiter's last read and this LISTEN sent its NOTIFY to nobody: the waits right
        // after (re)listening use the caller's short timeout, as right after a notification, and whoever
        // already waits reads once more.
        this.lastNotification = performance.now();
        this.wakeAll();
      } catch (error) {
        drop();
        throw error;
      } finally {
        if (this.listening === listening) this.listening = undefined;
      }
    })();
    this.listening = listening;
    return listening;
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Waits for the next append's NOTIFY, or `timeoutMs`. While the LISTEN connection is up and the bus has
   * been quiet for QUIET_MS, the timeout is only a safety net and stretches to LISTENING_IDLE_MS: eleven
   * consumers polling four times a second each were most of an idle platform's CPU (and PostgreSQL's).
   * Right after a notification the caller's own timeout applies, so one that arrived between a consumer's
   * read and its wait costs no more than before.
   */
  async waitForNew(timeoutMs: number): Promise<void> {
    await this.listen().catch(() => undefined);
    const quiet = this.listener !== undefined && performance.now() - this.lastNotification > QUIET_MS;
    const waitMs = quiet ? Math.max(timeoutMs, LISTENING_IDLE_MS) : timeoutMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** The consumer's position in its own database is the whole cursor: nothing to resume, pause or acknowledge. */
  feed(_consumer: string, types: readonly string[]): EventFeed {
    return {
      exclusive: false,
      resume: async () => undefined,
      next: (position, limit) => this.read(position, types, limit),
      committed: async () => undefined,
      waitForNew: (timeoutMs) => this.waitForNew(timeoutMs),
      // A quiet bus's wait is long (LISTENING_IDLE_MS): a stopping consumer must not sit it out. Waking every
      // waiter costs the others one extra read.
      interrupt: () => this.wakeAll(),
      pause: async () => undefined,
    };
  }

  async close(): Promise<void> {
    this.wakeAll();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

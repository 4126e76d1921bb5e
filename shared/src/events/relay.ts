import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { PollLoop } from '../poll-loop.js';
import { envelopeWithPayloadText, type EventEnvelope } from './envelope.js';
import type { EventTransport } from './transport.js';

const RELAY_LOCK = 7_470_002;
/**
 * The longest sleep of an idle relay. Every commit of the service's own process wakes its relay at once
 * (startService nudges it after each ORM transaction commit, after each mutation and after each consumer
 * batch), so this only bounds the wait of rows another process wrote (an import run from the command line);
 * at 1 s, six idle relays made six statements a second.
 */
export const RELAY_MAX_IDLE_MS = 10_000;
/** The largest batch a relay with a backlog moves at once. */
export const RELAY_MAX_BATCH = 8000;

/** Is anything waiting? (One row of the partial index outbox_unpublished, or none.) */
const OUTBOX_ANY_UNPUBLISHED = `select id from outbox where published_at is null limit 1`;

/** Outbox ids are bigserial (as strings): shorter is smaller, then lexicographic. */
const compareIds = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export interface RelayOptions {
  /** The producing service's name, stamped on every event. */
  producer: string;
  /** Events per batch (default 1000). */
  batchSize?: number;
  /** The largest batch under a backlog (default RELAY_MAX_BATCH; batchSize when only that is given). */
  maxBatchSize?: number;
  idleMs?: number;
  /**
   * The longest sleep of an idle relay (it backs off from `idleMs`, doubling per empty round). Writers
   * nudge the relay after their commit, which wakes it at once; this bounds the wait of an outbox row
   * whose writer did not.
   */
  maxIdleMs?: number;
}

/**
 * Moves committed outbox rows to the transport in id order. One relay at a time per service database
 * (advisory lock); a crash between append and mark only re-appends events the transport already has
 * (append is idempotent by event id), so nothing is lost and nothing doubles.
 */
export class OutboxRelay {
  private readonly loop = new PollLoop({
    round: () => this.relayOnce(),
    idleMs: () => this.options.idleMs ?? 50,
    maxIdleMs: () => this.options.maxIdleMs ?? RELAY_MAX_IDLE_MS,
    errorDelayMs: 500,
    onError: (error) => this.logger.warn({ err: error }, 'outbox relay failed; retrying'),
  });
  relayed = 0;
  private readonly batchSize: number;
  private readonly maxBatch: number;
  private nextBatch: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly transport: EventTransport,
    private readonly logger: Logger,
    private readonly options: RelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxBatch = options.maxBatchSize ?? (options.batchSize === undefined ? RELAY_MAX_BATCH : options.batchSize);
    this.nextBatch = this.batchSize;
  }

  /**
   * Relays one batch; returns how many events moved. An empty outbox costs one statement (a look at the
   * partial index of unpublished rows, no transaction): an idle relay used to spend begin, lock, select and
   * commit on every look, four round trips a second in each service doing nothing.
   */
  async relayOnce(): Promise<number> {
    const em = this.orm.em.fork();
    const [waiting] = await em.execute<{ id: string }[]>(OUTBOX_ANY_UNPUBLISHED);
    if (!waiting) return 0;
    const limit = this.nextBatch;
    const moved = await em.transactional(async (tx) => {
      const [lock] = await tx.execute<{ ok: boolean }[]>('select pg_try_advisory_xact_lock(?) as ok', [RELAY_LOCK]);
      if (!lock?.ok) return 0;
      // The mark may be lost in a crash (no WAL flush of its own): the relay then appends those events
      // again, which the log drops by event id. The append itself is committed durably by the transport.
      await tx.execute('set local synchronous_commit = off');
      // Claimed and read in one statement; the payload as its JSON text, passed through to the transport
      // unparsed. Marked in this transaction: a failed append rolls the mark back.
      const rows = await tx.execute<
        {
          id: string;
          event_id: string;
          type: string;
          version: number;
          aggregate_id: string;
          occurred_at: Date | string;
          payload: string;
        }[]
      >(
        `update outbox o set published_at = now()
           from (select id from outbox where published_at is null order by id limit ?) w
          where o.id = w.id
         returning o.id, o.event_id, o.type, o.version, o.aggregate_id, o.occurred_at, o.payload::text as payload`,
        [limit],
      );
      if (rows.length === 0) return 0;
      rows.sort((a, b) => compareIds(a.id, b.id));
      const events: EventEnvelope[] = rows.map((r) =>
        envelopeWithPayloadText(
          {
            id: r.event_id,
            type: r.type,
            version: r.version,
            aggregateId: r.aggregate_id,
            occurredAt: new Date(r.occurred_at).toISOString(),
            producer: this.options.producer,
          },
          r.payload,
        ),
      );
      await this.transport.append(events);
      return rows.length;
    });
    this.relayed += moved;
    // Under a backlog (a full batch) the next one is larger, up to maxBatchSize: a bulk import's events
    // cross in fewer, larger round trips; a partial batch brings it back to batchSize.
    this.nextBatch = moved >= limit ? Math.min(limit * 2, this.maxBatch) : this.batchSize;
    return moved;
  }

  /** Wakes the relay at once (called after a local commit that wrote to the outbox). */
  nudge(): void {
    this.loop.nudge();
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Events still waiting in the outbox. */
  async backlog(): Promise<number> {
    const [row] = await this.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from outbox where published_at is null');
    return Number(row?.n ?? 0);
  }
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ComplaintEscalated, ComplaintStatusChanged, publish, type Logger, type Orm } from '@victori/shared';
import type { FeedbackSettings } from '../../context.js';
import { lockOverdue, lockUnratedResolved, updateComplaint, type ComplaintRow } from './complaint.store.js';

const BATCH = 200;

const payload = (row: ComplaintRow, at: Date) => ({
  complaintId: row.id,
  reference: row.reference,
  facilityId: row.facilityId ?? null,
  subjectType: row.subjectType,
  category: row.category,
  status: row.status,
  at: at.toISOString(),
});

/**
 * The deadline timer: escalates complaints whose first response or resolution is overdue (once per
 * deadline, `complaint.escalated`), and closes resolved complaints the citizen neither rated nor reopened
 * within the reopening window. Time comes from the settings' clock, so tests move it instead of waiting.
 * A system caller: it works on the store directly, in its own transactions.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly settings: FeedbackSettings,
    private readonly logger: Logger,
  ) {}

  /** One pass at `now`: how many deadlines were escalated and complaints closed. */
  async runOnce(now = this.settings.clock.now()): Promise<{ escalated: number; closed: number }> {
    let escalated = 0;
    for (const kind of ['response', 'resolution'] as const) {
      escalated += await this.orm.em.fork().transactional(async (tx: EntityManager) => {
        const rows = await lockOverdue(tx, { kind, now, limit: BATCH });
        for (const row of rows) {
          await updateComplaint(tx, {
            id: row.id,
            patch: kind === 'response' ? { responseEscalatedAt: now } : { resolutionEscalatedAt: now },
            event: {
              id: randomUUID(),
              complaintId: row.id,
              at: now,
              actorRole: 'system',
              action: kind === 'response' ? 'ESCALATED_FIRST_RESPONSE' : 'ESCALATED_RESOLUTION',
              toStatus: row.status,
              note: null,
            },
          });
          await publish(tx, 'feedback', ComplaintEscalated, row.id, {
            ...payload(row, now),
            deadline: kind === 'response' ? 'FIRST_RESPONSE' : 'RESOLUTION',
            dueAt: (kind === 'response' ? row.responseDueAt : row.resolutionDueAt).toISOString(),
          });
        }
        return rows.length;
      });
    }
    const resolvedBefore = new Date(now.getTime() - this.settings.config.reopenDays * 86_400_000);
    const closed = await this.orm.em.fork().transactional(async (tx: EntityManager) => {
      const rows = await lockUnratedResolved(tx, { resolvedBefore, limit: BATCH });
      for (const row of rows) {
        const updated = await updateComplaint(tx, {
          id: row.id,
          patch: { status: 'CLOSED', closedAt: now },
          event: {
            id: randomUUID(),
            complaintId: row.id,
            at: now,
            actorRole: 'system',
            action: 'CLOSED_UNRATED',
            toStatus: 'CLOSED',
            note: null,
          },
        });
        await publish(tx, 'feedback', ComplaintStatusChanged, row.id, payload(updated, now));
      }
      return rows.length;
    });
    if (escalated || closed) this.logger.info({ escalated, closed }, 'complaint deadlines');
    return { escalated, closed };
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'complaint deadline timer failed; next pass retries'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.settings.config.timerIntervalMs);
        });
    };
    this.timer = setTimeout(tick, this.settings.config.timerIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PollLoop, type Logger, type PiiVault } from '@victori/shared';
import type { ImmunizationSettings } from '../config.js';
import { PcareTarget } from '../pcare/pcare.target.js';
import { DeliveryError } from './client.js';
import { DeliveryFailureLog, type FailureLogOptions } from './delivery.log.js';
import type { Target } from './delivery.queue.js';
import * as deliveryStore from './delivery.store.js';
import type { Claimed, Outcome, TargetDriver, VisitUnit } from './delivery.unit.js';
import { SatusehatTarget } from './satusehat.target.js';

export interface RoundResult {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Works off one target's part of the national delivery queue (SATUSEHAT or BPJS PCare): claims due rows
 * (skip locked, with a lease so a crashed worker's rows come back), groups them by visit, and hands each
 * visit to the target as one unit. Transient failures retry with exponential back-off and jitter, without
 * limit; a record a person must fix (patient not found, product code unconfirmed, ...) is FAILED with that
 * problem until the desk retries it. Every step searches before it creates, so a lost response never
 * duplicates. Each target has its own worker: one target's outage never holds the other.
 */
export class DeliveryWorker {
  // The shared poll-and-wake loop (shared/src/poll-loop.ts), as the outbox relay's: rounds back to back
  // while they claim rows, otherwise a sleep of pollMs that nudge() cuts short.
  private readonly loop = new PollLoop({
    round: async () => (await this.processOnce()).claimed,
    idleMs: () => this.settings.satusehat.pollMs,
    onError: (error) => this.logger.warn({ err: error, target: this.target }, 'national delivery round failed; retrying'),
  });
  private readonly driver: TargetDriver;
  private readonly failures: DeliveryFailureLog;

  constructor(
    private readonly orm: MikroORM,
    private readonly vault: PiiVault,
    private readonly settings: ImmunizationSettings,
    private readonly logger: Logger,
    fetchImpl: typeof fetch = fetch,
    logOptions: FailureLogOptions = {},
    readonly target: Target = 'SATUSEHAT',
  ) {
    this.driver = target === 'SATUSEHAT' ? new SatusehatTarget(settings, fetchImpl) : new PcareTarget(settings, fetchImpl);
    this.failures = new DeliveryFailureLog(logger.child({ target }), logOptions);
  }

  /** Delay before the next attempt after `attempts` failures: base * 2^(n-1), capped, with jitter. */
  backoffMs(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.settings.satusehat;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts - 1, 30));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  async processOnce(): Promise<RoundResult> {
    const em = this.orm.em.fork() as EntityManager;
    const claimed = await deliveryStore.claimDue(em, {
      target: this.target,
      leaseMs: this.settings.satusehat.leaseMs,
      limit: this.settings.satusehat.batchSize,
    });
    const result: RoundResult = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
    if (claimed.length > 0) {
      const units = await this.units(em, claimed);
      await Promise.all(units.map((unit) => this.deliverUnit(em, unit, result)));
    }
    try {
      await this.driver.afterRound?.(em, this.vault);
    } catch (error) {
      this.logger.warn({ err: error, target: this.target }, 'closing national visits failed; retrying next round');
    }
    return result;
  }

  /** The claimed rows by visit, with their records and people. */
  private async units(em: EntityManager, claimed: Claimed[]): Promise<VisitUnit[]> {
    const records = await deliveryStore.recordsToSend(em, { dedupeKeys: [...new Set(claimed.map((c) => c.dedupeKey))] });
    const recordByKey = new Map(records.map((r) => [r.dedupeKey, r]));
    const people = await deliveryStore.peopleToSend(em, { personIds: [...new Set(claimed.map((c) => c.personId))] });
    const personById = new Map(people.map((p) => [p.id, p]));
    const byVisit = new Map<string, VisitUnit>();
    for (const row of claimed) {
      const visitKey = row.visitKey ?? row.dedupeKey;
      let unit = byVisit.get(visitKey);
      if (!unit) {
        unit = { visitKey, person: personById.get(row.personId), items: [] };
        byVisit.set(visitKey, unit);
      }
      unit.items.push({ row, record: recordByKey.get(row.dedupeKey) });
    }
    return [...byVisit.values()];
  }

  private async deliverUnit(em: EntityManager, unit: VisitUnit, result: RoundResult): Promise<void> {
    let outcomes: Map<string, Outcome>;
    try {
      outcomes = await this.driver.deliverVisit(em, unit, this.vault);
    } catch (error) {
      const failure =
        error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), false);
      outcomes = new Map(unit.items.map((i) => [i.row.id, { kind: 'failed', error: failure }]));
    }
    for (const { row } of unit.items) {
      const outcome = outcomes.get(row.id) ?? { kind: 'failed', error: new DeliveryError('the target gave no outcome', false) };
      await this.record(em, row, outcome, result);
    }
  }

  private async record(em: EntityManager, row: Claimed, outcome: Outcome, result: RoundResult): Promise<void> {
    switch (outcome.kind) {
      case 'delivered':
        await deliveryStore.markDelivered(em, { id: row.id, version: row.version, remoteId: outcome.remoteId });
        result.delivered += 1;
        this.failures.delivered(row.id, row.attempts);
        return;
      case 'not-applicable':
        await deliveryStore.markNotApplicable(em, {
          id: row.id,
          version: row.version,
          error: outcome.error.message,
          problem: outcome.error.problem,
        });
        result.delivered += 1;
        return;
      case 'failed': {
        const failure = outcome.error;
        if (failure.permanent) {
          await deliveryStore.markFailed(em, {
            id: row.id,
            version: row.version,
            error: failure.message,
            problem: failure.problem ?? 'REJECTED',
          });
          result.failed += 1;
        } else {
          await deliveryStore.markRetrying(em, {
            id: row.id,
            version: row.version,
            error: failure.message,
            delayMs: this.backoffMs(row.attempts),
          });
          result.retrying += 1;
        }
        this.failures.failure(row.id, row.attempts, failure.message, failure.permanent);
        return;
      }
    }
  }

  /** Runs rounds until nothing is due (tests, commands). */
  async drain(maxRounds = 1000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.processOnce()).claimed === 0) return;
  }

  nudge(): void {
    this.loop.nudge();
  }

  start(): void {
    if (this.loop.started) return;
    this.failures.start();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.failures.stop();
  }
}

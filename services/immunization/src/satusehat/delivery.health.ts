import type { EntityManager } from '@mikro-orm/postgresql';
import { failedCount, pendingFigures } from './delivery.store.js';

export interface DeliveryHealth {
  /** Stuck: some pending record has kept failing for longer than the threshold. The service still serves. */
  degraded: boolean;
  /** Records waiting to reach the national systems being delivered to. */
  backlog: number;
  /** Of those, the ones whose last attempt failed. */
  failing: number;
  /** Age of the oldest pending record, in seconds (0 when none). */
  oldestPendingSeconds: number;
  delivery: 'on' | 'off';
}

/** For /ready: whether national delivery keeps up. Reads only pending rows (a partial index covers them). */
export async function deliveryHealth(
  em: EntityManager,
  stuckAfterMs: number,
  delivery: 'on' | 'off',
  /** The targets being delivered to: a target switched off keeps its queue, which is not a stuck delivery. */
  targets: readonly string[] = ['SATUSEHAT'],
): Promise<DeliveryHealth> {
  const figures = await pendingFigures(em, { targets });
  return {
    degraded: delivery === 'on' && figures.failing > 0 && figures.oldestFailingSeconds * 1000 > stuckAfterMs,
    backlog: figures.backlog,
    failing: figures.failing,
    oldestPendingSeconds: Math.round(figures.oldestSeconds),
    delivery,
  };
}

/** Dose records SATUSEHAT refused for good (a partial index holds only those). */
export async function refusedDeliveries(em: EntityManager): Promise<number> {
  return failedCount(em, { target: 'SATUSEHAT' });
}

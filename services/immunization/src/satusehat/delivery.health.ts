import type { EntityManager } from '@mikro-orm/postgresql';

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
  const [row] = await em.execute<{ backlog: string; failing: string; oldest_s: string | null; oldest_failing_s: string | null }[]>(
    `select count(*) as backlog, count(*) filter (where last_error is not null) as failing,
            extract(epoch from now() - min(created_at)) as oldest_s,
            extract(epoch from now() - min(created_at) filter (where last_error is not null)) as oldest_failing_s
       from national_delivery where status = 'PENDING' and target in (?)`,
    [targets.length ? [...targets] : ['']],
  );
  const oldestFailing = Number(row?.oldest_failing_s ?? 0);
  return {
    degraded: delivery === 'on' && Number(row?.failing ?? 0) > 0 && oldestFailing * 1000 > stuckAfterMs,
    backlog: Number(row?.backlog ?? 0),
    failing: Number(row?.failing ?? 0),
    oldestPendingSeconds: Math.round(Number(row?.oldest_s ?? 0)),
    delivery,
  };
}

/** Dose records SATUSEHAT refused for good (a partial index holds only those). */
export async function refusedDeliveries(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ n: string }[]>(
    `select count(*) as n from national_delivery where status = 'FAILED' and target = 'SATUSEHAT'`,
  );
  return Number(row?.n ?? 0);
}

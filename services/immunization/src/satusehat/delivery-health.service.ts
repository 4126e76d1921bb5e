import type { EntityManager } from '@mikro-orm/postgresql';
import type { ImmunizationContext } from '../context.js';
import { immunizationPolicy } from '../policy.js';
import { deliveryHealth, refusedDeliveries } from './delivery.health.js';

export interface NationalDeliveryFigures {
  backlog: number;
  failing: number;
  failed: number;
  oldestPendingSeconds: number;
  degraded: boolean;
  deliveryOn: boolean;
}

/** The city dashboard's SATUSEHAT figures: the same numbers as /ready, plus the records refused for good. */
export async function nationalDeliveryFigures(ctx: ImmunizationContext): Promise<NationalDeliveryFigures> {
  immunizationPolicy.nationalDeliveryHealth(ctx.request.claims);
  const em = ctx.em as EntityManager;
  const { satusehat } = ctx.settings;
  const health = await deliveryHealth(em, satusehat.stuckAfterMs, satusehat.delivery);
  return {
    backlog: health.backlog,
    failing: health.failing,
    failed: await refusedDeliveries(em),
    oldestPendingSeconds: health.oldestPendingSeconds,
    degraded: health.degraded,
    deliveryOn: health.delivery === 'on',
  };
}

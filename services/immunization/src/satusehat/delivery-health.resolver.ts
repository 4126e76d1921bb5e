import type { EntityManager } from '@mikro-orm/postgresql';
import { Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../context.js';
import { immunizationPolicy } from '../policy.js';
import { deliveryHealth } from './delivery.health.js';

@ObjectType('NationalDeliveryHealth', { description: 'How delivery of dose records to SATUSEHAT keeps up (the same figures as /ready)' })
export class NationalDeliveryHealth {
  @Field(() => Int, { description: 'Dose records waiting to reach SATUSEHAT' })
  backlog!: number;

  @Field(() => Int, { description: 'Of those, the ones whose last attempt failed (retried)' })
  failing!: number;

  @Field(() => Int, { description: 'Dose records SATUSEHAT refused for good (FAILED: they need a correction)' })
  failed!: number;

  @Field(() => Float, { description: 'Age of the oldest waiting record in seconds (0 when none)' })
  oldestPendingSeconds!: number;

  @Field(() => Boolean, { description: 'Stuck: a waiting record has kept failing for longer than the threshold' })
  degraded!: boolean;

  @Field(() => Boolean, { description: 'False when delivery is switched off here (SATUSEHAT_DELIVERY=off): records queue up' })
  deliveryOn!: boolean;
}

@Resolver()
export class DeliveryHealthResolver {
  @Query(() => NationalDeliveryHealth, {
    description: 'Admins: the backlog of dose records on their way to SATUSEHAT, and the failed ones',
  })
  async nationalDeliveryHealth(@Ctx() ctx: ImmunizationContext): Promise<NationalDeliveryHealth> {
    immunizationPolicy.nationalDeliveryHealth(ctx.request.claims);
    const em = ctx.em as EntityManager;
    const { satusehat } = ctx.settings;
    const health = await deliveryHealth(em, satusehat.stuckAfterMs, satusehat.delivery);
    const [failed] = await em.execute<{ n: string }[]>(`select count(*) as n from national_delivery where status = 'FAILED'`);
    return Object.assign(new NationalDeliveryHealth(), {
      backlog: health.backlog,
      failing: health.failing,
      failed: Number(failed?.n ?? 0),
      oldestPendingSeconds: health.oldestPendingSeconds,
      degraded: health.degraded,
      deliveryOn: health.delivery === 'on',
    });
  }
}

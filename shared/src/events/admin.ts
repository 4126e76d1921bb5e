import { Arg, Ctx, Directive, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRole } from '../auth.js';
import { conflict, notFound } from '../errors.js';
import type { BaseContext } from '../service.js';

@Directive('@shareable')
@ObjectType('FailedDelivery', { description: 'An event a consumer could not apply (dead letter); visible and replayable' })
export class FailedDelivery {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  service!: string;
  @Field(() => String)
  consumer!: string;
  @Field(() => String)
  eventId!: string;
  @Field(() => String)
  type!: string;
  @Field(() => Int)
  version!: number;
  @Field(() => String)
  producer!: string;
  @Field(() => String)
  aggregateId!: string;
  @Field(() => String)
  occurredAt!: string;
  @Field(() => String)
  error!: string;
  @Field(() => Int)
  attempts!: number;
  @Field(() => String)
  createdAt!: string;
  @Field(() => String, { nullable: true })
  resolvedAt?: string | null;
}

@Directive('@shareable')
@ObjectType('EventConsumerStatus', { description: 'How far a consumer is behind the event log' })
export class EventConsumerStatus {
  @Field(() => String)
  service!: string;
  @Field(() => String)
  consumer!: string;
  @Field(() => Int)
  position!: number;
  @Field(() => Int)
  head!: number;
  @Field(() => Int, { description: 'Events in the log not yet applied by this consumer' })
  lag!: number;
  @Field(() => Int, { nullable: true, description: 'Milliseconds from publication to application of the last applied event' })
  lastLagMs?: number | null;
  @Field(() => Int)
  deadLetters!: number;
}

/**
 * Admin queries over this service's consumers. Root fields carry the service name because each
 * subgraph answers only for its own consumers (e.g. `inventoryFailedDeliveries`).
 */
export function createEventAdminResolver(service: string): new () => object {
  const cap = service.charAt(0).toUpperCase() + service.slice(1);

  @Resolver()
  class EventAdminResolver {
    @Query(() => [FailedDelivery], {
      name: `${service}FailedDeliveries`,
      description: `Dead-lettered events of the ${service} service; admins`,
    })
    async failedDeliveries(
      @Ctx() ctx: BaseContext,
      @Arg('includeResolved', () => Boolean, { defaultValue: false }) includeResolved: boolean,
    ): Promise<FailedDelivery[]> {
      requireRole(ctx.request.claims, 'admin');
      const all = await Promise.all(ctx.events.consumers.map((c) => c.deadLetters(includeResolved)));
      return all.flat().map((d) => Object.assign(new FailedDelivery(), { ...d, service }));
    }

    @Query(() => [EventConsumerStatus], {
      name: `${service}EventConsumers`,
      description: `Lag of the ${service} service's consumers; admins`,
    })
    async consumers(@Ctx() ctx: BaseContext): Promise<EventConsumerStatus[]> {
      requireRole(ctx.request.claims, 'admin');
      const stats = await Promise.all(ctx.events.consumers.map((c) => c.stats()));
      return stats.map((s) => Object.assign(new EventConsumerStatus(), { ...s, service }));
    }

    @Mutation(() => FailedDelivery, {
      name: `retry${cap}Delivery`,
      description: `Re-applies a dead-lettered event of the ${service} service; admins`,
    })
    async retry(@Ctx() ctx: BaseContext, @Arg('id', () => ID) id: string): Promise<FailedDelivery> {
      requireRole(ctx.request.claims, 'admin');
      if (!/^\d+$/.test(id)) throw notFound('Pengiriman gagal', 'id');
      for (const consumer of ctx.events.consumers) {
        const found = (await consumer.deadLetters(true)).some((d) => d.id === id);
        if (!found) continue;
        try {
          return Object.assign(new FailedDelivery(), { ...(await consumer.retryDeadLetter(id)), service });
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw conflict({ id: `Pengiriman masih gagal: ${reason}`, en: `The event still fails: ${reason}` }, { field: 'id' });
        }
      }
      throw notFound('Pengiriman gagal', 'id');
    }
  }
  return EventAdminResolver;
}

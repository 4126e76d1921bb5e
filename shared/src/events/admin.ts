import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireRole } from '../auth.js';
import { DateTimeScalar } from '../scalars.js';
import { connectionType, decodeCursor, pageSize, toConnection, type Connection } from '../connection.js';
import { badInput, conflict, notFound } from '../errors.js';
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
  @Field(() => DateTimeScalar)
  occurredAt!: string;
  @Field(() => String)
  error!: string;
  @Field(() => Int)
  attempts!: number;
  @Field(() => DateTimeScalar)
  createdAt!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was applied by a retry, or discarded' })
  resolvedAt?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When an admin discarded it (never applied)' })
  discardedAt?: string | null;
  @Field(() => String, { nullable: true, description: 'The account that discarded it' })
  discardedBy?: string | null;
  @Field(() => String, { nullable: true, description: 'Why it was discarded, as the admin wrote it' })
  discardReason?: string | null;
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

/** Dead letters of one service, newest last, a page at a time. */
export const FailedDeliveryConnection = connectionType('FailedDelivery', FailedDelivery, {
  shareable: true,
  totalDescription: 'Dead letters matching includeResolved, over all pages',
});

const MIN_REASON = 5;
const MAX_REASON = 500;

const DEAD_LETTER_ID = (value: unknown): boolean => typeof value === 'string' && /^\d{1,19}$/.test(value);

/**
 * The admin namespace: `Query.admin` and `Mutation.admin` (@shareable) return the namespace entities
 * `AdminQuery` and `AdminMutations` (key `id`, always "admin"), to which every subgraph with events
 * contributes one field named after itself (`admin { inventory { deadLetters } }`,
 * `mutation { admin { inventory { retryDeadLetter(id:) } } }`). Federation routes by field, never by
 * argument, so a single `deadLetters(service:)` could not reach the service that owns the dead letters;
 * a field per service can, and the namespace keeps the twelve operations off the root types. The
 * per-service types (`ServiceEvents`, `ServiceEventsMutations`) are identical in every subgraph and
 * @shareable. The namespace types are entities, not @shareable value types: with a value type the gateway
 * could not move from the subgraph that answered `admin` to the one that owns `admin.inventory`
 * (composition refuses it); with a key it can. A mutation naming one service is planned to that service
 * alone. Classes are made per call: each subgraph's schema holds only its own field.
 */
export function createEventAdminResolver(service: string): [new () => object, ...(new () => object)[]] {
  @Directive('@shareable')
  @ObjectType('ServiceEvents', { description: "One service's event consumers and dead letters; admins" })
  class ServiceEvents {
    @Field(() => String)
    service!: string;

    @Field(() => FailedDeliveryConnection, { description: 'Dead-lettered events, oldest first, cursor-paginated' })
    deadLetters!: Connection<FailedDelivery>;

    @Field(() => [EventConsumerStatus], { description: 'Lag of the consumers' })
    consumers!: EventConsumerStatus[];
  }

  @Directive('@shareable')
  @ObjectType('ServiceEventsMutations', { description: "Operations on one service's dead letters; admins" })
  class ServiceEventsMutations {
    @Field(() => String)
    service!: string;

    @Field(() => FailedDelivery, { description: 'Re-applies a dead-lettered event; CONFLICT with the reason when it still fails' })
    retryDeadLetter!: FailedDelivery;

    @Field(() => FailedDelivery, {
      description:
        'Gives a dead-lettered event up without applying it; who, when and why stay on the row (discardedBy, discardedAt, discardReason)',
    })
    discardDeadLetter!: FailedDelivery;
  }

  @Directive('@key(fields: "id")')
  @ObjectType('AdminQuery', { description: 'Operations for admins, one field per service' })
  class AdminQuery {
    @Field(() => ID, { description: 'Always "admin": the key by which the gateway joins the services\' fields' })
    id!: string;

    @Field(() => ServiceEvents, { name: service, description: `The ${service} service` })
    events!: ServiceEvents;
  }

  @Directive('@key(fields: "id")')
  @ObjectType('AdminMutations', { description: 'Operations for admins, one field per service' })
  class AdminMutations {
    @Field(() => ID, { description: 'Always "admin": the key by which the gateway joins the services\' fields' })
    id!: string;

    @Field(() => ServiceEventsMutations, { name: service, description: `The ${service} service` })
    events!: ServiceEventsMutations;
  }

  @Resolver()
  class AdminRootResolver {
    @Directive('@shareable')
    @Query(() => AdminQuery, { name: 'admin', description: 'Operations for admins (dead letters, consumer lag), one field per service' })
    adminQuery(@Ctx() ctx: BaseContext): AdminQuery {
      requireRole(ctx.request.claims, 'admin');
      return Object.assign(new AdminQuery(), { id: 'admin' });
    }

    @Directive('@shareable')
    @Mutation(() => AdminMutations, { name: 'admin', description: 'Operations for admins (retry a dead letter), one field per service' })
    adminMutations(@Ctx() ctx: BaseContext): AdminMutations {
      requireRole(ctx.request.claims, 'admin');
      return Object.assign(new AdminMutations(), { id: 'admin' });
    }
  }

  // The service field resolves from the key alone: the gateway reaches it through `_entities` as well.
  @Resolver(() => AdminQuery)
  class AdminQueryResolver {
    @FieldResolver(() => ServiceEvents, { name: service })
    events(@Ctx() ctx: BaseContext): ServiceEvents {
      requireRole(ctx.request.claims, 'admin');
      return Object.assign(new ServiceEvents(), { service });
    }
  }

  @Resolver(() => AdminMutations)
  class AdminMutationsResolver {
    @FieldResolver(() => ServiceEventsMutations, { name: service })
    events(@Ctx() ctx: BaseContext): ServiceEventsMutations {
      requireRole(ctx.request.claims, 'admin');
      return Object.assign(new ServiceEventsMutations(), { service });
    }
  }

  @Resolver(() => ServiceEvents)
  class ServiceEventsResolver {
    @FieldResolver(() => FailedDeliveryConnection)
    async deadLetters(
      @Ctx() ctx: BaseContext,
      @Arg('includeResolved', () => Boolean, { defaultValue: false }) includeResolved: boolean,
      @Arg('first', () => Int, { defaultValue: 50 }) first: number,
      @Arg('after', () => String, { nullable: true }) after?: string | null,
    ): Promise<Connection<FailedDelivery>> {
      requireRole(ctx.request.claims, 'admin');
      const size = pageSize(first, 50);
      const afterId = after ? String(decodeCursor(after, [DEAD_LETTER_ID])[0]) : undefined;
      const [pages, counts] = await Promise.all([
        Promise.all(ctx.events.consumers.map((c) => c.deadLetters(includeResolved, { afterId, limit: size + 1 }))),
        Promise.all(ctx.events.consumers.map((c) => c.countDeadLetters(includeResolved))),
      ]);
      const rows = pages.flat().sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      return toConnection(
        rows.slice(0, size + 1),
        size,
        counts.reduce((a, b) => a + b, 0),
        (d) => [d.id],
        (d) => Object.assign(new FailedDelivery(), { ...d, service }),
      );
    }

    @FieldResolver(() => [EventConsumerStatus])
    async consumers(@Ctx() ctx: BaseContext): Promise<EventConsumerStatus[]> {
      requireRole(ctx.request.claims, 'admin');
      const stats = await Promise.all(ctx.events.consumers.map((c) => c.stats()));
      return stats.map((s) => Object.assign(new EventConsumerStatus(), { ...s, service }));
    }
  }

  @Resolver(() => ServiceEventsMutations)
  class ServiceEventsMutationsResolver {
    @FieldResolver(() => FailedDelivery)
    async retryDeadLetter(@Ctx() ctx: BaseContext, @Arg('id', () => ID) id: string): Promise<FailedDelivery> {
      requireRole(ctx.request.claims, 'admin');
      if (!/^\d{1,19}$/.test(id)) throw notFound('Pengiriman gagal', 'id');
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

    @FieldResolver(() => FailedDelivery)
    async discardDeadLetter(
      @Ctx() ctx: BaseContext,
      @Arg('id', () => ID) id: string,
      @Arg('reason', () => String, { description: `Why the event is given up, ${MIN_REASON} to ${MAX_REASON} characters` }) reason: string,
    ): Promise<FailedDelivery> {
      requireRole(ctx.request.claims, 'admin');
      const why = reason.trim();
      if (why.length < MIN_REASON || why.length > MAX_REASON) {
        throw badInput('reason', {
          id: `Alasan harus ${MIN_REASON} sampai ${MAX_REASON} karakter`,
          en: `The reason must be ${MIN_REASON} to ${MAX_REASON} characters`,
        });
      }
      if (!/^\d{1,19}$/.test(id)) throw notFound('Pengiriman gagal', 'id');
      const actor = ctx.request.claims.sub ?? ctx.request.claims.role;
      for (const consumer of ctx.events.consumers) {
        const discarded = await consumer.discardDeadLetter(id, { actor, reason: why });
        if (discarded) return Object.assign(new FailedDelivery(), { ...discarded, service });
      }
      // Already retried or discarded: say so rather than "not found", the row is still listed.
      for (const consumer of ctx.events.consumers) {
        if ((await consumer.deadLetters(true)).some((d) => d.id === id)) {
          throw conflict(
            { id: 'Pengiriman gagal ini sudah diselesaikan', en: 'This failed delivery is already resolved' },
            { field: 'id' },
          );
        }
      }
      throw notFound('Pengiriman gagal', 'id');
    }
  }

  return [AdminRootResolver, AdminQueryResolver, AdminMutationsResolver, ServiceEventsResolver, ServiceEventsMutationsResolver];
}

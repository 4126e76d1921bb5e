import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { selectsField, toConnection, type Connection } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { toFacility } from '../facility/facility.mapper.js';
import { Facility } from '../facility/facility.type.js';
import { stockWarnings, toSession, toSlot } from './session.rows.js';
import { closeSession, createSession, getSession, offersOf, searchSessions, updateSession } from './session.service.js';
import {
  CreateSessionInput,
  Session,
  SessionConnection,
  SessionResult,
  SessionFilter,
  SessionOffer,
  Slot,
  UpdateSessionInput,
} from './session.type.js';

export async function loadSession(ctx: BookingContext, id: string, field = 'id'): Promise<Session> {
  return toSession(await getSession(ctx, id, field));
}

const withWarnings = (session: Session): SessionResult => Object.assign(new SessionResult(), { session, warnings: stockWarnings(session) });

@Resolver(() => Session)
export class SessionResolver {
  @Query(() => SessionConnection, { description: 'Public search for sessions, sorted by date and start time, cursor-paginated' })
  async sessions(
    @Ctx() ctx: BookingContext,
    @Arg('filter', () => SessionFilter, { nullable: true }) filter?: SessionFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<Connection<Session>> {
    return SessionResolver.page(ctx, filter ?? {}, first ?? 20, after ?? undefined, info ? selectsField(info, 'totalCount') : true);
  }

  /** The same search as `sessions`, for one facility (`Facility.sessions`). */
  static async page(
    ctx: BookingContext,
    filter: SessionFilter & { facilityId?: string },
    first: number,
    after: string | undefined,
    count = true,
  ): Promise<Connection<Session>> {
    const page = await searchSessions(ctx.em, filter, first, after, count);
    for (const row of page.rows) ctx.loaders.session.prime(row.id, row);
    // The same cursor as the service's keyset (date, start time, id).
    const connection = toConnection(page.rows, page.rows.length, page.totalCount, (r) => [r.date, r.start_time, r.id], toSession);
    connection.pageInfo.hasNextPage = page.hasNextPage;
    return connection;
  }

  @Query(() => Session, { description: 'One session; public' })
  async session(@Ctx() ctx: BookingContext, @Arg('id', () => ID) id: string): Promise<Session> {
    return loadSession(ctx, id);
  }

  @Mutation(() => SessionResult, {
    description:
      'Plans a session split into slots; health workers of the facility and admins. Warns (as data) when usable stock is below the places',
  })
  async createSession(
    @Ctx() ctx: BookingContext,
    @Arg('input', () => CreateSessionInput) input: CreateSessionInput,
  ): Promise<SessionResult> {
    const id = await createSession(ctx.em, ctx.request.claims, input, ctx.config);
    ctx.events.relay.nudge();
    return withWarnings(await loadSession(ctx, id));
  }

  @Mutation(() => SessionResult, {
    description:
      'Changes capacity or dose kinds (date, times and product only while nothing is booked). Warns (as data) when usable stock is below the places',
  })
  async updateSession(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSessionInput) input: UpdateSessionInput,
  ): Promise<SessionResult> {
    await updateSession(ctx.em, ctx.request.claims, id, input, ctx.config);
    ctx.events.relay.nudge();
    return withWarnings(await loadSession(ctx, id));
  }

  @Mutation(() => Session, { description: 'Closes the session for booking; existing appointments stay valid' })
  async closeSession(@Ctx() ctx: BookingContext, @Arg('id', () => ID) id: string): Promise<Session> {
    await closeSession(ctx.em, ctx.request.claims, id);
    ctx.events.relay.nudge();
    return loadSession(ctx, id);
  }

  @FieldResolver(() => Facility)
  async facility(@Ctx() ctx: BookingContext, @Root() session: Session): Promise<Facility> {
    const entity = await ctx.loaders.facility.load(session.facilityId);
    return toFacility(entity!);
  }

  @FieldResolver(() => [SessionOffer])
  async offers(@Ctx() ctx: BookingContext, @Root() session: Session): Promise<SessionOffer[]> {
    const rows = await offersOf(ctx.em, session.id);
    return rows.map((r) =>
      Object.assign(new SessionOffer(), { productCode: r.product_code, doseKinds: r.dose_kinds, stockLeft: r.stock_free }),
    );
  }

  @FieldResolver(() => [Slot])
  async slots(@Ctx() ctx: BookingContext, @Root() session: Session): Promise<Slot[]> {
    const rows = await ctx.loaders.slotsBySession.load(session.id);
    return rows.map((r) => toSlot(r, session));
  }
}

export const sessionReference = {
  Session: {
    async __resolveReference(ref: { id: string }, ctx: BookingContext): Promise<Session | null> {
      const row = await ctx.loaders.session.load(ref.id);
      return row ? toSession(row) : null;
    },
  },
};

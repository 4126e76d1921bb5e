import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { selectsField, type Connection } from '@victori/shared';
import { SessionResolver } from '../session/session.resolver.js';
import { Session, SessionConnection, SessionFilter } from '../session/session.type.js';
import type { BookingContext } from '../../context.js';
import { CreateFacilityInput, SatusehatIdsInput, UpdateFacilityInput } from './facility.inputs.js';
import { toFacility } from './facility.mapper.js';
import { createFacility, getFacility, listFacilities, setFacilitySatusehatIds, updateFacility } from './facility.service.js';
import { Facility, FacilityConnection, FacilityType } from './facility.type.js';

@Resolver(() => Facility)
export class FacilityResolver {
  @FieldResolver(() => SessionConnection, {
    description: "The facility's sessions, sorted by date and start time, cursor-paginated; the filter as for Query.sessions. Public",
  })
  async sessions(
    @Ctx() ctx: BookingContext,
    @Root() facility: Facility,
    @Arg('filter', () => SessionFilter, { nullable: true }) filter?: SessionFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<Connection<Session>> {
    return SessionResolver.page(
      ctx,
      { ...filter, facilityId: facility.id },
      first ?? 20,
      after ?? undefined,
      info ? selectsField(info, 'totalCount') : true,
    );
  }

  @Query(() => FacilityConnection, {
    description: 'Vaccination centres by name, filtered by kecamatan, kelurahan and type, cursor-paginated; public',
  })
  async facilities(
    @Ctx() ctx: BookingContext,
    @Arg('kecamatanCode', () => String, { nullable: true }) kecamatanCode?: string,
    @Arg('kelurahanCode', () => String, { nullable: true }) kelurahanCode?: string,
    @Arg('type', () => FacilityType, { nullable: true }) type?: FacilityType,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 200' }) first = 100,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<Facility>> {
    return listFacilities(
      ctx.em,
      { kecamatanCode: kecamatanCode ?? undefined, kelurahanCode: kelurahanCode ?? undefined, type: type ?? undefined, first, after },
      toFacility,
    );
  }

  @Query(() => Facility, { description: 'One vaccination centre' })
  async facility(@Ctx() ctx: BookingContext, @Arg('id', () => ID) id: string): Promise<Facility> {
    return toFacility(await getFacility(ctx, id));
  }

  @Mutation(() => Facility, { description: 'Registers a vaccination centre; admins' })
  async createFacility(@Ctx() ctx: BookingContext, @Arg('input', () => CreateFacilityInput) input: CreateFacilityInput): Promise<Facility> {
    return toFacility(await createFacility(ctx.em, ctx.request.claims, input));
  }

  @Mutation(() => Facility, { description: 'Changes a vaccination centre; admins' })
  async updateFacility(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateFacilityInput) input: UpdateFacilityInput,
  ): Promise<Facility> {
    return toFacility(await updateFacility(ctx.em, ctx.request.claims, id, input));
  }

  @Mutation(() => Facility, {
    description: "Registers a facility's SATUSEHAT Organization and Location ids (national delivery needs both); admins",
  })
  async setFacilitySatusehatIds(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => SatusehatIdsInput) input: SatusehatIdsInput,
  ): Promise<Facility> {
    return toFacility(await setFacilitySatusehatIds(ctx.em, ctx.request.claims, id, input));
  }
}

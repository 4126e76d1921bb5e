import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { notFound } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { FacilityEntity } from './facility.entity.js';
import { CreateFacilityInput, UpdateFacilityInput } from './facility.inputs.js';
import { toFacility } from './facility.mapper.js';
import { createFacility, updateFacility } from './facility.service.js';
import { Facility, FacilityType } from './facility.type.js';

@Resolver(() => Facility)
export class FacilityResolver {
  @Query(() => [Facility], { description: 'Vaccination centres, filtered by kecamatan, kelurahan and type; public' })
  async facilities(
    @Ctx() ctx: BookingContext,
    @Arg('kecamatanCode', () => String, { nullable: true }) kecamatanCode?: string,
    @Arg('kelurahanCode', () => String, { nullable: true }) kelurahanCode?: string,
    @Arg('type', () => FacilityType, { nullable: true }) type?: FacilityType,
  ): Promise<Facility[]> {
    const where: Record<string, unknown> = { active: true };
    if (kecamatanCode) where.kecamatanCode = kecamatanCode;
    if (kelurahanCode) where.kelurahanCode = kelurahanCode;
    if (type) where.type = type;
    const rows = await ctx.em.find(FacilityEntity, where, { orderBy: { name: 'asc' } });
    return rows.map(toFacility);
  }

  @Query(() => Facility, { description: 'One vaccination centre' })
  async facility(@Ctx() ctx: BookingContext, @Arg('id', () => ID) id: string): Promise<Facility> {
    const entity = await ctx.loaders.facility.load(id);
    if (!entity) throw notFound('Fasilitas', 'id');
    return toFacility(entity);
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
}

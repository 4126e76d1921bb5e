import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { notFound } from '@victori/shared';
import { bookingPolicy } from '../../policy.js';
import type { BookingContext } from '../../context.js';
import { FacilityEntity } from './facility.entity.js';
import { CreateFacilityInput, SatusehatIdsInput, UpdateFacilityInput } from './facility.inputs.js';
import { toFacility } from './facility.mapper.js';
import { createFacility, setFacilitySatusehatIds, updateFacility } from './facility.service.js';
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
    bookingPolicy.manageFacilities(ctx.request.claims);
    return toFacility(await createFacility(ctx.em, input));
  }

  @Mutation(() => Facility, { description: 'Changes a vaccination centre; admins' })
  async updateFacility(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateFacilityInput) input: UpdateFacilityInput,
  ): Promise<Facility> {
    bookingPolicy.manageFacilities(ctx.request.claims);
    return toFacility(await updateFacility(ctx.em, id, input));
  }

  @Mutation(() => Facility, {
    description: "Registers a facility's SATUSEHAT Organization and Location ids (national delivery needs both); admins",
  })
  async setFacilitySatusehatIds(
    @Ctx() ctx: BookingContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => SatusehatIdsInput) input: SatusehatIdsInput,
  ): Promise<Facility> {
    bookingPolicy.manageFacilities(ctx.request.claims);
    return toFacility(await setFacilitySatusehatIds(ctx.em, id, input));
  }
}

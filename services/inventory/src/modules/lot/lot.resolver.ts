import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { callerOf, type InventoryContext } from '../../context.js';
import { facilityRef } from '../../external/facility.stub.js';
import { productOf } from '../product/product.field.js';
import { VaccineProduct } from '../product/product.type.js';
import { toLot } from './lot.mapper.js';
import { expiringLots, fefoSuggestion, lots } from './lot.service.js';
import { ExpiringStock, FefoPick, FefoSuggestion, Lot, LotHolding } from './lot.type.js';

@Resolver(() => Lot)
export class LotResolver {
  @Query(() => [Lot], { description: 'Lots of the catalogue, earliest expiry first; by default only lots with doses somewhere. Public.' })
  async lots(
    @Ctx() ctx: InventoryContext,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('includeEmpty', () => Boolean, { defaultValue: false }) includeEmpty = false,
    @Arg('includeRecalled', () => Boolean, { defaultValue: true }) includeRecalled = true,
    @Arg('limit', () => Int, { defaultValue: 200 }) limit = 200,
  ): Promise<Lot[]> {
    const rows = await lots(ctx.em, { productCode, facilityId, includeEmpty, includeRecalled, limit });
    return rows.map(toLot);
  }

  @Query(() => [ExpiringStock], {
    description: 'Doses of unrecalled lots that expire within the given number of days, per facility. Public.',
  })
  async expiringLots(
    @Ctx() ctx: InventoryContext,
    @Arg('withinDays', () => Int, { defaultValue: 30 }) withinDays: number,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
    @Arg('kecamatanCode', () => String, { nullable: true }) kecamatanCode?: string,
  ): Promise<ExpiringStock[]> {
    const rows = await expiringLots(ctx.em, ctx.config, { withinDays, facilityId, productCode, kecamatanCode });
    return rows.map((r) =>
      Object.assign(new ExpiringStock(), {
        lot: toLot(r.lot),
        facilityId: r.facilityId,
        facility: facilityRef(r.facilityId),
        doses: r.doses,
        expiryDate: r.lot.expiryDate,
        daysToExpiry: r.daysToExpiry,
      }),
    );
  }

  @Query(() => FefoSuggestion, {
    description: 'First-expiry-first-out: which lots to use or transfer first. Health workers of the facility and admins.',
  })
  async fefoSuggestion(
    @Ctx() ctx: InventoryContext,
    @Arg('facilityId', () => ID) facilityId: string,
    @Arg('productCode', () => String) productCode: string,
    @Arg('doses', () => Int) doses: number,
  ): Promise<FefoSuggestion> {
    const result = await fefoSuggestion(ctx.em, ctx.config, { facilityId, productCode, doses }, callerOf(ctx));
    return Object.assign(new FefoSuggestion(), {
      facilityId,
      productCode,
      requestedDoses: doses,
      availableDoses: result.availableDoses,
      shortfall: result.shortfall,
      picks: result.picks.map((p) =>
        Object.assign(new FefoPick(), { lot: toLot(p.lot), takeDoses: p.takeDoses, balance: p.balance, vvmStage: p.vvmStage }),
      ),
    });
  }

  @FieldResolver(() => VaccineProduct)
  product(@Root() lot: Lot, @Ctx() ctx: InventoryContext): Promise<VaccineProduct> {
    return productOf(ctx, lot.productCode);
  }

  @FieldResolver(() => [LotHolding], { description: 'Where the lot is held (facilities that ever held it)' })
  async holdings(@Root() lot: Lot, @Ctx() ctx: InventoryContext): Promise<LotHolding[]> {
    const rows = await ctx.loaders.lotHoldings.load(lot.id);
    return rows.map((h) => Object.assign(new LotHolding(), { ...h, facility: facilityRef(h.facilityId) }));
  }

  @FieldResolver(() => Int, { description: 'Doses of the lot on hand across all facilities' })
  async onHandDoses(@Root() lot: Lot, @Ctx() ctx: InventoryContext): Promise<number> {
    const rows = await ctx.loaders.lotHoldings.load(lot.id);
    return rows.reduce((sum, h) => sum + h.balance, 0);
  }
}

import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';
import type { InventoryContext } from '../../context.js';
import { toProduct } from '../product/product.mapper.js';
import { FacilityStock } from './stock.type.js';

@Resolver(() => FacilityRef)
export class FacilityStockResolver {
  @FieldResolver(() => [FacilityStock], { description: 'Usable vaccine stock at this facility, per product; public' })
  async stock(@Root() facility: FacilityRef, @Ctx() ctx: InventoryContext): Promise<FacilityStock[]> {
    const rows = await ctx.loaders.facilityStock.load(facility.id);
    const products = await ctx.loaders.product.loadMany(rows.map((r) => r.productCode));
    return rows.map((r, i) => {
      const product = products[i];
      if (!product || product instanceof Error) throw new Error(`unknown product ${r.productCode}`);
      return Object.assign(new FacilityStock(), { product: toProduct(product), usableDoses: r.usableDoses });
    });
  }
}

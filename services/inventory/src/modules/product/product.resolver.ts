import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { InventoryContext } from '../../context.js';
import { VaccineProductEntity } from './product.entity.js';
import { toProduct } from './product.mapper.js';
import { VaccineProduct } from './product.type.js';

@Resolver(() => VaccineProduct)
export class ProductResolver {
  @Query(() => [VaccineProduct], { description: 'The vaccine product catalogue; public' })
  async vaccineProducts(
    @Ctx() ctx: InventoryContext,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
  ): Promise<VaccineProduct[]> {
    const rows = await ctx.em.find(VaccineProductEntity, programme ? { programme } : {}, { orderBy: { code: 'asc' } });
    return rows.map(toProduct);
  }
}

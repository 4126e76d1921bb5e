import type { InventoryContext } from '../../context.js';
import { toProduct } from './product.mapper.js';
import type { VaccineProduct } from './product.type.js';

/** The catalogue product of a code, through the request's loader. */
export async function productOf(ctx: InventoryContext, code: string): Promise<VaccineProduct> {
  const entity = await ctx.loaders.product.load(code);
  if (!entity) throw new Error(`unknown product ${code}`);
  return toProduct(entity);
}

import type { InventoryContext } from '../../context.js';
import { toProduct } from './product.mapper.js';

export const productReference = {
  VaccineProduct: {
    async __resolveReference(ref: { code: string }, ctx: InventoryContext) {
      const entity = await ctx.loaders.product.load(ref.code);
      return entity ? toProduct(entity) : null;
    },
  },
  Facility: {
    __resolveReference(ref: { id: string }) {
      return ref;
    },
  },
};

import type { BookingContext } from '../../context.js';
import { toFacility } from './facility.mapper.js';

export const facilityReference = {
  Facility: {
    async __resolveReference(ref: { id: string }, ctx: BookingContext) {
      const entity = await ctx.loaders.facility.load(ref.id);
      return entity ? toFacility(entity) : null;
    },
  },
};

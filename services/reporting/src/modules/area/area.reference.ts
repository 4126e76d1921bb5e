import type { ReportingContext } from '../../context.js';
import { toArea } from './area.mapper.js';

export const areaReference = {
  Area: {
    async __resolveReference(ref: { code: string }, ctx: ReportingContext) {
      const entity = await ctx.loaders.area.load(ref.code);
      return entity ? toArea(entity) : null;
    },
  },
};

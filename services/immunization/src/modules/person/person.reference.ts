import type { ImmunizationContext } from '../../context.js';
import { toPerson } from './person.mapper.js';
import { personById } from './person.service.js';

/** Other subgraphs' Person references resolve through the same access rules; lookups are batched by the loaders. */
export const personReference = {
  Person: {
    async __resolveReference(ref: { id: string }, ctx: ImmunizationContext) {
      return toPerson(await personById(ctx, ref.id), ctx.vault);
    },
  },
};

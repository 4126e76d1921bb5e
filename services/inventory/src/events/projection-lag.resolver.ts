import { Ctx, Int, Query, Resolver } from 'type-graphql';
import type { InventoryContext } from '../context.js';
import { projectionLag } from './projection-lag.service.js';

@Resolver()
export class InventoryLagResolver {
  @Query(() => Int, {
    description:
      'Events inventory (stock taken by administered doses, sessions, facilities) has not applied yet, for the consumer furthest behind; 0 when stock is current. Staff (admins, health workers)',
  })
  async inventoryLag(@Ctx() ctx: InventoryContext): Promise<number> {
    return projectionLag(ctx);
  }
}

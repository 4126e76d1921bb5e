import type { InventoryContext } from '../context.js';
import { inventoryPolicy } from '../policy.js';

/**
 * How many events the furthest-behind of inventory's consumers (administered doses, sessions,
 * facilities) has still to apply: 0 when stock is current. Read from the consumers' own positions.
 */
export async function projectionLag(ctx: InventoryContext): Promise<number> {
  inventoryPolicy.projectionLag(ctx.request.claims);
  const stats = await Promise.all(ctx.events.consumers.map((c) => c.stats()));
  return Math.max(0, ...stats.map((s) => s.lag));
}

import type { ReportingContext } from '../context.js';
import { reportingPolicy } from '../policy.js';

/**
 * How many events the furthest-behind of reporting's projections (coverage, operations) has still to
 * apply: 0 when its numbers are current. Read from the consumers' own positions (no scan of the log).
 */
export async function projectionLag(ctx: ReportingContext): Promise<number> {
  reportingPolicy.projectionLag(ctx.request.claims);
  const stats = await Promise.all(ctx.events.consumers.map((c) => c.stats()));
  return Math.max(0, ...stats.map((s) => s.lag));
}

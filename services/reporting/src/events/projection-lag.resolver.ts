import { Ctx, Int, Query, Resolver } from 'type-graphql';
import type { ReportingContext } from '../context.js';
import { projectionLag } from './projection-lag.service.js';

@Resolver()
export class ProjectionLagResolver {
  @Query(() => Int, {
    description:
      'Events the reporting projections (coverage, child indicators, facility indicators) have not applied yet, for the one furthest behind; 0 when the numbers are current. Staff (admins, health workers)',
  })
  async projectionLag(@Ctx() ctx: ReportingContext): Promise<number> {
    return projectionLag(ctx);
  }
}

import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { dueAndAvailableSessions, forecastOf } from './forecast.service.js';
import { DueSession, ImmunizationForecast } from './forecast.type.js';

@Resolver()
export class ForecastResolver {
  @Query(() => ImmunizationForecast, { description: "A person's schedule on a date (default today); same as Person.forecast" })
  async forecast(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf?: string,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
  ): Promise<ImmunizationForecast> {
    return forecastOf(ctx, personId, asOf, programme);
  }

  @Query(() => [DueSession], {
    description:
      'Sessions in an area and date range where the doses the person needs are in stock and have places (booking + inventory via the supergraph)',
  })
  async dueAndAvailableSessions(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('from', () => DateScalar, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => DateScalar, { description: 'YYYY-MM-DD' }) to: string,
    @Arg('kecamatanCode', () => String, { nullable: true }) kecamatanCode?: string,
    @Arg('kelurahanCode', () => String, { nullable: true }) kelurahanCode?: string,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
  ): Promise<DueSession[]> {
    return dueAndAvailableSessions(ctx, personId, { from, to, kecamatanCode, kelurahanCode, programme });
  }
}

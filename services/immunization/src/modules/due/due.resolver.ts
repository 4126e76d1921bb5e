import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { dueChildren } from './due.service.js';
import { DueChild } from './due.type.js';

@Resolver()
export class DueResolver {
  @Query(() => [DueChild], {
    description:
      "Health workers of the facility and admins: children living in the facility's kelurahan with routine doses due or overdue on asOf (default today), for the desk's offline day",
  })
  dueChildren(
    @Ctx() ctx: ImmunizationContext,
    @Arg('facilityId', () => ID) facilityId: string,
    @Arg('asOf', () => String, { nullable: true, description: 'YYYY-MM-DD' }) asOf?: string,
  ): Promise<DueChild[]> {
    return dueChildren(ctx, facilityId, asOf);
  }
}

import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, notFound } from '@victori/shared';
import type { ReportingContext } from '../../context.js';
import { AreaEntity } from './area.entity.js';
import { toArea } from './area.mapper.js';
import { Area, AreaLevel } from './area.type.js';
import { CoverageRow } from '../coverage/coverage.type.js';
import { toCoverageRow } from '../report/report.mapper.js';

@Resolver(() => Area)
export class AreaResolver {
  @Query(() => [Area], { description: 'Areas of Kota Semarang, filtered by level and parent; public' })
  async areas(
    @Ctx() ctx: ReportingContext,
    @Arg('level', () => AreaLevel, { nullable: true }) level?: AreaLevel,
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
  ): Promise<Area[]> {
    const where: Record<string, unknown> = {};
    if (level) where.level = level;
    if (parentCode) where.parentCode = parentCode;
    const rows = await ctx.em.find(AreaEntity, where, { orderBy: { code: 'asc' } });
    return rows.map(toArea);
  }

  @Query(() => Area, { description: 'One area by its Kemendagri code' })
  async area(@Ctx() ctx: ReportingContext, @Arg('code', () => String) code: string): Promise<Area> {
    const entity = await ctx.loaders.area.load(code);
    if (!entity) throw notFound('Wilayah', 'code');
    return toArea(entity);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'The enclosing area' })
  async parent(@Root() area: Area, @Ctx() ctx: ReportingContext): Promise<Area | null> {
    if (!area.parentCode) return null;
    const entity = await ctx.loaders.area.load(area.parentCode);
    return entity ? toArea(entity) : null;
  }

  @FieldResolver(() => [Area], { description: 'Areas directly inside this one' })
  async children(@Root() area: Area, @Ctx() ctx: ReportingContext): Promise<Area[]> {
    return (await ctx.loaders.areaChildren.load(area.code)).map(toArea);
  }

  @FieldResolver(() => CoverageRow, {
    nullable: true,
    description: 'Coverage of this area (same rules and suppression as the coverage query)',
  })
  async coverage(
    @Root() area: Area,
    @Ctx() ctx: ReportingContext,
    @Arg('programme', () => String) programme: string,
    @Arg('dose', () => String) dose: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf?: string,
  ): Promise<CoverageRow | null> {
    const rows = await ctx.loaders.coverage.load({ programme, dose, asOf: asOf ?? null, level: area.level });
    const row = rows.find((r) => r.area.code === area.code);
    return row ? toCoverageRow(row) : null;
  }
}

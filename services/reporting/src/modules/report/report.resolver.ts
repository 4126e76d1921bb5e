import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import type { ReportingContext } from '../../context.js';
import { AreaLevel } from '../area/area.type.js';
import { childIndicatorReport } from '../child/child.service.js';
import { ChildIndicatorRow } from '../child/child.type.js';
import { coverageReport } from '../coverage/coverage.service.js';
import { CoverageRow } from '../coverage/coverage.type.js';
import { exportCsv, exportDhis2 } from '../export/export.service.js';
import type { ExportArgs } from '../export/export.table.js';
import { ReportExport, ReportTable } from '../export/export.type.js';
import { facilityIndicatorReport } from '../operations/facility-indicators.service.js';
import { FacilityIndicatorRow } from '../operations/facility-indicators.type.js';
import { toChildIndicatorRow, toCoverageRow, toFacilityIndicatorRow } from './report.mapper.js';

/** Public aggregates: admins see every number, everyone else the suppressed view (README). */
@Resolver()
export class ReportResolver {
  @Query(() => [CoverageRow], {
    description:
      'Target, achieved and percentage per area for a programme and dose, the city total last (isTotal); public, small counts suppressed except for admins',
  })
  async coverage(
    @Ctx() ctx: ReportingContext,
    @Arg('programme', () => String) programme: string,
    @Arg('dose', () => String) dose: string,
    @Arg('level', () => AreaLevel) level: AreaLevel,
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'YYYY-MM-DD; default today' }) asOf?: string,
  ): Promise<CoverageRow[]> {
    const rows = await coverageReport(ctx.em, ctx.request.claims, { programme, dose, level, parentCode, asOf }, ctx.settings);
    return rows.map(toCoverageRow);
  }

  @Query(() => [ChildIndicatorRow], {
    description:
      'IDL, IBL, UCI and DPT-HB-Hib 1 to MR1 dropout for a birth cohort per area, the city total last; public, small counts suppressed except for admins',
  })
  async childIndicators(
    @Ctx() ctx: ReportingContext,
    @Arg('cohort', () => Int, { description: 'Birth year' }) cohort: number,
    @Arg('level', () => AreaLevel) level: AreaLevel,
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
  ): Promise<ChildIndicatorRow[]> {
    const rows = await childIndicatorReport(ctx.em, ctx.request.claims, { cohort, level, parentCode }, ctx.settings);
    return rows.map(toChildIndicatorRow);
  }

  @Query(() => [FacilityIndicatorRow], {
    description: 'Appointments and stock per facility, product and day (from..to, at most 366 days); public facility aggregates',
  })
  async facilityIndicators(
    @Ctx() ctx: ReportingContext,
    @Arg('from', () => DateScalar, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => DateScalar, { description: 'YYYY-MM-DD' }) to: string,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
  ): Promise<FacilityIndicatorRow[]> {
    return (await facilityIndicatorReport(ctx.em, { from, to, facilityId, productCode }, ctx.settings)).map(toFacilityIndicatorRow);
  }

  @Query(() => ReportExport, {
    description:
      'One table as CSV in one request; arguments as for the table query. Partners and admins (GET /exports/<table>.csv serves it as a file)',
  })
  async exportCsv(
    @Ctx() ctx: ReportingContext,
    @Arg('table', () => ReportTable) table: ReportTable,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
    @Arg('dose', () => String, { nullable: true }) dose?: string,
    @Arg('level', () => AreaLevel, { nullable: true }) level?: AreaLevel,
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf?: string,
    @Arg('cohort', () => Int, { nullable: true }) cohort?: number,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
  ): Promise<ReportExport> {
    const args: ExportArgs = { table, programme, dose, level, parentCode, asOf, cohort, from, to, facilityId, productCode };
    return Object.assign(new ReportExport(), await exportCsv(ctx.em, ctx.request.claims, args, ctx.settings));
  }

  @Query(() => ReportExport, {
    description:
      'One table as DHIS2 dataValueSets JSON in one request (codes from the mapping file); arguments as for exportCsv. Partners and admins (GET /exports/<table>.dhis2.json)',
  })
  async exportDhis2(
    @Ctx() ctx: ReportingContext,
    @Arg('table', () => ReportTable) table: ReportTable,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
    @Arg('dose', () => String, { nullable: true }) dose?: string,
    @Arg('level', () => AreaLevel, { nullable: true }) level?: AreaLevel,
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf?: string,
    @Arg('cohort', () => Int, { nullable: true }) cohort?: number,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string,
    @Arg('productCode', () => String, { nullable: true }) productCode?: string,
  ): Promise<ReportExport> {
    const args: ExportArgs = { table, programme, dose, level, parentCode, asOf, cohort, from, to, facilityId, productCode };
    return Object.assign(new ReportExport(), await exportDhis2(ctx.em, ctx.request.claims, args, ctx.settings));
  }
}

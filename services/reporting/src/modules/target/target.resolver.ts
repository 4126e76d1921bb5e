import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { ReportingContext } from '../../context.js';
import type { RawTarget } from './target.rules.js';
import { importTargets, previewTargetImport } from './target.service.js';
import { TargetImportPreview, TargetImportResult, TargetInput } from './target.type.js';

@Resolver()
export class TargetResolver {
  @Mutation(() => TargetImportResult, {
    description:
      'Imports target populations (admins). Give either csv (columns area_code, programme, dose, year, effective_from, effective_to, target) or rows; all rows are validated and saved together or not at all',
  })
  async importTargets(
    @Ctx() ctx: ReportingContext,
    @Arg('csv', () => String, { nullable: true }) csv?: string,
    @Arg('rows', () => [TargetInput], { nullable: true }) rows?: TargetInput[],
  ): Promise<TargetImportResult> {
    const summary = await importTargets(ctx.em, ctx.request.claims, {
      csv,
      rows: rows?.map((r): RawTarget => ({ ...r })),
    });
    return Object.assign(new TargetImportResult(), summary);
  }

  @Query(() => TargetImportPreview, {
    description: 'Admins: what importTargets would do with this CSV (rows, the targets they replace, every problem); saves nothing',
  })
  async previewTargetImport(@Ctx() ctx: ReportingContext, @Arg('csv', () => String) csv: string): Promise<TargetImportPreview> {
    return Object.assign(new TargetImportPreview(), await previewTargetImport(ctx.em, ctx.request.claims, csv));
  }
}

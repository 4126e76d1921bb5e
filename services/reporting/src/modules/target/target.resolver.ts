import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { badInput } from '@victori/shared';
import { reportingPolicy } from '../../policy.js';
import type { ReportingContext } from '../../context.js';
import { importTargets, previewTargets, targetsFromCsv, type RawTarget } from './target.service.js';
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
    reportingPolicy.importTargets(ctx.request.claims);
    if ((csv === undefined || csv === null) === (rows === undefined || rows === null)) {
      throw badInput('csv', { id: 'Isi salah satu: csv atau rows', en: 'Give exactly one of csv or rows' });
    }
    const summary =
      csv !== undefined && csv !== null
        ? await importTargets(
            ctx.em,
            targetsFromCsv(csv),
            (i) => i + 2,
            (line) => `csv[line ${line}]`,
          )
        : await importTargets(
            ctx.em,
            rows!.map((r): RawTarget => ({ ...r })),
            (i) => i + 1,
            (row) => `rows[${row - 1}]`,
          );
    return Object.assign(new TargetImportResult(), summary);
  }

  @Query(() => TargetImportPreview, {
    description: 'Admins: what importTargets would do with this CSV (rows, the targets they replace, every problem); saves nothing',
  })
  async previewTargetImport(@Ctx() ctx: ReportingContext, @Arg('csv', () => String) csv: string): Promise<TargetImportPreview> {
    reportingPolicy.importTargets(ctx.request.claims);
    const preview = await previewTargets(
      ctx.em,
      targetsFromCsv(csv),
      (i) => i + 2,
      (line) => `csv[line ${line}]`,
    );
    return Object.assign(new TargetImportPreview(), preview);
  }
}

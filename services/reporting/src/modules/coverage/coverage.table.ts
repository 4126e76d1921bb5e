import type { EntityManager } from '@mikro-orm/postgresql';
import type { AreaRow } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import type { LevelName } from '../area/area.tree.js';
import { localDay, parseDateArg, percent } from '../dates.js';
import { buildAreaTable, type AreaSelection } from '../report/area-table.js';
import { codeArg } from '../report/view.js';
import { targetOf } from '../target/target.rules.js';
import { targetsInForce } from '../target/target.store.js';
import { achievedByKelurahan } from './coverage.store.js';

export interface CoverageArgs extends AreaSelection {
  programme: string;
  dose: string;
  asOf?: string | null;
}

export interface CoverageData {
  area: AreaRow;
  level: LevelName;
  isTotal: boolean;
  programme: string;
  dose: string;
  asOf: string;
  target: number | null;
  achieved: number | null;
  percentage: number | null;
  suppressed: boolean;
}

/**
 * The coverage table in one view (`restriction`: the policy's answer, null = every number): target,
 * achieved and percentage per selected area, the city total last. The caller has decided access
 * (coverage.service.ts, export.service.ts); tests and the benchmark call it with the view they check.
 */
export async function coverageTable(
  em: EntityManager,
  settings: ReportingSettings,
  args: CoverageArgs,
  restriction: { threshold: number } | null,
): Promise<CoverageData[]> {
  const programme = codeArg('programme', args.programme);
  const dose = codeArg('dose', args.dose);
  const today = localDay(new Date(), settings.config.timeZone);
  const asOf = args.asOf ? parseDateArg('asOf', args.asOf) : null;
  const day = asOf ?? today;
  // A day from today on is answered from the running totals (the daily table sums to the same).
  const achieved = await achievedByKelurahan(em, { programme, dose, asOf: asOf !== null && asOf < today ? asOf : null });
  const targets = await targetsInForce(em, { programme, dose, day });
  const counts = new Map([...achieved].map(([code, n]) => [code, { achieved: n }]));
  return buildAreaTable(['achieved'] as const, counts, args, restriction).map((row) => {
    const target = targetOf(row.area.code, targets);
    return {
      area: row.area,
      level: row.level,
      isTotal: row.isTotal,
      programme,
      dose,
      asOf: day,
      target,
      achieved: row.counts.achieved,
      percentage: percent(row.counts.achieved, target),
      suppressed: row.suppressed,
    };
  });
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, type AreaRow } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import type { LevelName } from '../area/area.tree.js';
import { percent } from '../dates.js';
import { buildAreaTable, type AreaSelection } from '../report/area-table.js';
import { cohortCounts } from './child.store.js';

export const CHILD_COLUMNS = ['children', 'idl', 'ibl', 'dpt1', 'mr1'] as const;

export interface ChildIndicatorArgs extends AreaSelection {
  /** Birth year. */
  cohort: number;
}

export interface ChildIndicatorData {
  area: AreaRow;
  level: LevelName;
  isTotal: boolean;
  cohort: number;
  children: number | null;
  idl: number | null;
  idlRate: number | null;
  ibl: number | null;
  iblRate: number | null;
  dpt1: number | null;
  mr1: number | null;
  dropoutRate: number | null;
  uci: boolean | null;
  uciThreshold: number;
  suppressed: boolean;
}

/**
 * The child indicator table of a birth cohort in one view (`restriction`: the policy's answer, null = every
 * number), the city total last. The caller has decided access (child.service.ts, export.service.ts).
 */
export async function childIndicatorTable(
  em: EntityManager,
  settings: ReportingSettings,
  args: ChildIndicatorArgs,
  restriction: { threshold: number } | null,
): Promise<ChildIndicatorData[]> {
  if (!Number.isInteger(args.cohort) || args.cohort < 2000 || args.cohort > 2100) {
    throw badInput('cohort', { id: 'Kohort harus tahun lahir 2000-2100', en: 'Cohort must be a birth year 2000-2100' });
  }
  const uciThreshold = settings.config.uciThresholdPercent;
  const counts = await cohortCounts(em, { cohort: args.cohort });
  return buildAreaTable(CHILD_COLUMNS, counts, args, restriction).map((row) => {
    const { children, idl, ibl, dpt1, mr1 } = row.counts;
    const idlRate = percent(idl, children);
    // Rates use the exact counts; a rate is hidden whenever one of its counts is.
    const dropoutRate = dpt1 !== null && mr1 !== null ? percent(dpt1 - mr1, dpt1) : null;
    return {
      area: row.area,
      level: row.level,
      isTotal: row.isTotal,
      cohort: args.cohort,
      children,
      idl,
      idlRate,
      ibl,
      iblRate: percent(ibl, children),
      dpt1,
      mr1,
      dropoutRate,
      // UCI is a status of kelurahan; exact comparison on counts, not on the rounded rate.
      uci: row.level === 'KELURAHAN' && idl !== null && children !== null && children > 0 ? idl * 100 >= uciThreshold * children : null,
      uciThreshold,
      suppressed: row.suppressed,
    };
  });
}

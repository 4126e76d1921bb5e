import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { reportingPolicy } from '../../policy.js';
import { coverageTable, type CoverageArgs, type CoverageData } from './coverage.table.js';

/** The coverage query (and Area.coverage): public; admins see every number, everyone else the suppressed view. */
export async function coverageReport(
  em: EntityManager,
  claims: Claims,
  args: CoverageArgs,
  settings: ReportingSettings,
): Promise<CoverageData[]> {
  const restriction = reportingPolicy.view(claims, settings);
  return coverageTable(em, settings, args, restriction);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { reportingPolicy } from '../../policy.js';
import { childIndicatorTable, type ChildIndicatorArgs, type ChildIndicatorData } from './child.table.js';

/** The childIndicators query: public; admins see every number, everyone else the suppressed view. */
export async function childIndicatorReport(
  em: EntityManager,
  claims: Claims,
  args: ChildIndicatorArgs,
  settings: ReportingSettings,
): Promise<ChildIndicatorData[]> {
  const restriction = reportingPolicy.view(claims, settings);
  return childIndicatorTable(em, settings, args, restriction);
}

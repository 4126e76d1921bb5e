import type { EntityManager } from '@mikro-orm/postgresql';
import type { ReportingSettings } from '../../config.js';
import { reportingPolicy } from '../../policy.js';
import { facilityIndicatorTable, type FacilityIndicatorArgs, type FacilityIndicatorData } from './facility-indicators.table.js';

/** The facilityIndicators query: appointments and stock per facility are public facility aggregates. */
export async function facilityIndicatorReport(
  em: EntityManager,
  args: FacilityIndicatorArgs,
  settings: ReportingSettings,
): Promise<FacilityIndicatorData[]> {
  reportingPolicy.publicRead();
  return facilityIndicatorTable(em, settings, args);
}

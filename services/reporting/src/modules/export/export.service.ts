import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import { reportingPolicy } from '../../policy.js';
import { flatTable, toCsv, toDhis2, type ExportArgs, type ReportTableName } from './export.table.js';

/** One exported table as a file. */
export interface ExportFile {
  table: ReportTableName;
  filename: string;
  contentType: string;
  content: string;
  /** CSV: table rows; DHIS2: data values. */
  rows: number;
}

/** exportCsv: partners and admins; the numbers are the caller's view (suppressed for partners). */
export async function exportCsv(em: EntityManager, claims: Claims, args: ExportArgs, settings: ReportingSettings): Promise<ExportFile> {
  reportingPolicy.exportTables(claims);
  const flat = await flatTable(em, settings, args, reportingPolicy.view(claims, settings));
  return {
    table: args.table,
    filename: `${args.table.toLowerCase()}.csv`,
    contentType: 'text/csv',
    content: toCsv(flat),
    rows: flat.records.length,
  };
}

/** exportDhis2: as exportCsv, as a DHIS2 dataValueSets document (codes from the mapping file). */
export async function exportDhis2(em: EntityManager, claims: Claims, args: ExportArgs, settings: ReportingSettings): Promise<ExportFile> {
  reportingPolicy.exportTables(claims);
  const set = toDhis2(await flatTable(em, settings, args, reportingPolicy.view(claims, settings)), settings.dhis2);
  return {
    table: args.table,
    filename: `${args.table.toLowerCase()}.dhis2.json`,
    contentType: 'application/json',
    content: JSON.stringify(set),
    rows: set.dataValues.length,
  };
}

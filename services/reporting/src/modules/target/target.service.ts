import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, type Claims } from '@victori/shared';
import { reportingPolicy } from '../../policy.js';
import { previewOf, targetImportRejected, targetsFromCsv, validateTargets, type RawTarget, type TargetPreview } from './target.rules.js';
import * as targetStore from './target.store.js';

export interface TargetImportSummary {
  imported: number;
  created: number;
  updated: number;
}

/** Exactly one of the two: a CSV text (area_code, programme, dose, year, effective_from, effective_to, target) or rows. */
export interface TargetImportInput {
  csv?: string | null;
  rows?: RawTarget[] | null;
}

/** Validates every row (one field error listing every problem, nothing saved) and saves them all in one transaction. */
async function saveTargets(
  em: EntityManager,
  rows: RawTarget[],
  rowNumber: (index: number) => number,
  fieldPrefix: (row: number) => string,
): Promise<TargetImportSummary> {
  const { valid, problems } = validateTargets(rows, rowNumber);
  if (problems.length > 0) throw targetImportRejected(problems, fieldPrefix);
  return em.transactional(async (tx) => {
    if (valid.length === 0) return { imported: 0, created: 0, updated: 0 };
    const { created } = await targetStore.upsertTargets(tx, { targets: valid });
    return { imported: valid.length, created, updated: valid.length - created };
  });
}

/** importTargets: admins replace or add target populations, all rows or none. */
export async function importTargets(em: EntityManager, claims: Claims, input: TargetImportInput): Promise<TargetImportSummary> {
  reportingPolicy.importTargets(claims);
  const { csv, rows } = input;
  if ((csv === undefined || csv === null) === (rows === undefined || rows === null)) {
    throw badInput('csv', { id: 'Isi salah satu: csv atau rows', en: 'Give exactly one of csv or rows' });
  }
  return csv !== undefined && csv !== null
    ? saveTargets(
        em,
        targetsFromCsv(csv),
        (i) => i + 2,
        (line) => `csv[line ${line}]`,
      )
    : saveTargets(
        em,
        rows!,
        (i) => i + 1,
        (row) => `rows[${row - 1}]`,
      );
}

/**
 * What importTargets would do with this CSV, saving nothing: every valid row with the target it would
 * replace, and every problem (as data, not as an error, so the admin sees them all beside the rows).
 */
export async function previewTargetImport(em: EntityManager, claims: Claims, csv: string): Promise<TargetPreview> {
  reportingPolicy.importTargets(claims);
  const rows = targetsFromCsv(csv);
  const rowNumber = (i: number) => i + 2;
  const checked = validateTargets(rows, rowNumber);
  const existing = await targetStore.populationsOf(em, { targets: checked.valid });
  return previewOf(rows, rowNumber, (line) => `csv[line ${line}]`, checked, existing);
}

/** `npm run import -- targets <file.csv>` (the command calls it with its own system claims). */
export async function importTargetsFile(em: EntityManager, claims: Claims, file: string): Promise<TargetImportSummary> {
  reportingPolicy.importTargets(claims);
  return saveTargets(
    em,
    targetsFromCsv(readFileSync(file, 'utf8')),
    (i) => i + 2,
    (line) => `line ${line}`,
  );
}

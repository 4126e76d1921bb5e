import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, parseCsv, pgArray } from '@victori/shared';
import { areaIndex } from '../area/area.tree.js';
import { isIsoDate } from '../dates.js';

/** One target row as given (CSV cells or mutation input), before validation. */
export interface RawTarget {
  areaCode?: string | null;
  programme?: string | null;
  dose?: string | null;
  year?: string | number | null;
  effectiveFrom?: string | null;
  effectiveTo?: string | null;
  population?: string | number | null;
}

export interface ValidTarget {
  areaCode: string;
  programme: string;
  dose: string;
  year: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  population: number;
}

export interface TargetProblem {
  /** 1-based row (CSV: the line number in the file, header = line 1). */
  row: number;
  field: string;
  messageId: string;
  messageEn: string;
}

export interface TargetImportSummary {
  imported: number;
  created: number;
  updated: number;
}

const CODE = /^[A-Z0-9][A-Z0-9_-]{0,39}$/;
const MAX_ROWS = 50_000;

/** CSV columns: area_code, programme, dose, year, effective_from, effective_to, target (or population). */
export function targetsFromCsv(text: string): RawTarget[] {
  return parseCsv(text).map((r) => ({
    areaCode: r.area_code ?? r.kecamatan_code ?? r.kelurahan_code,
    programme: r.programme,
    dose: r.dose ?? r.cohort,
    year: r.year,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    population: r.target ?? r.population,
  }));
}

/** Validates every row and reports every problem (all-or-nothing import). */
export function validateTargets(
  rows: RawTarget[],
  rowNumber: (index: number) => number,
): { valid: ValidTarget[]; problems: TargetProblem[] } {
  const areas = areaIndex();
  const problems: TargetProblem[] = [];
  const valid: ValidTarget[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, i) => {
    const row = rowNumber(i);
    const problem = (field: string, id: string, en: string) => problems.push({ row, field, messageId: id, messageEn: en });
    const before = problems.length;
    const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
    const areaCode = text(raw.areaCode);
    if (!areaCode) problem('areaCode', 'Kode wilayah wajib diisi', 'Area code is required');
    else if (!areas.byCode.has(areaCode))
      problem('areaCode', `Kode wilayah ${areaCode} bukan wilayah Kota Semarang`, `Area code ${areaCode} is not an area of Kota Semarang`);
    const programme = text(raw.programme).toUpperCase();
    if (!CODE.test(programme))
      problem('programme', 'Program wajib diisi (huruf besar, angka, _ atau -)', 'Programme is required (capitals, digits, _ or -)');
    const dose = text(raw.dose).toUpperCase();
    if (!CODE.test(dose))
      problem(
        'dose',
        'Dosis atau kohort wajib diisi (huruf besar, angka, _ atau -)',
        'Dose or cohort is required (capitals, digits, _ or -)',
      );
    const yearText = text(raw.year);
    const year = Number(yearText);
    if (!/^\d{4}$/.test(yearText) || year < 2000 || year > 2100) problem('year', 'Tahun harus 2000-2100', 'Year must be 2000-2100');
    // Without an effective date a target is in force from 1 January of its year until a newer one starts.
    const effectiveFrom = text(raw.effectiveFrom) || `${yearText}-01-01`;
    if (text(raw.effectiveFrom) && !isIsoDate(effectiveFrom))
      problem('effectiveFrom', 'Tanggal berlaku harus YYYY-MM-DD', 'Effective from must be a YYYY-MM-DD date');
    const effectiveTo = text(raw.effectiveTo) || null;
    if (effectiveTo !== null && !isIsoDate(effectiveTo))
      problem('effectiveTo', 'Tanggal akhir harus YYYY-MM-DD', 'Effective to must be a YYYY-MM-DD date');
    else if (effectiveTo !== null && isIsoDate(effectiveFrom) && effectiveTo < effectiveFrom) {
      problem('effectiveTo', 'Tanggal akhir sebelum tanggal berlaku', 'Effective to is before effective from');
    }
    const popText = text(raw.population);
    const population = Number(popText);
    if (!/^\d+$/.test(popText) || population > 100_000_000)
      problem('population', 'Sasaran harus bilangan bulat 0 atau lebih', 'Target must be a whole number of 0 or more');
    if (problems.length > before) return;
    const key = [areaCode, programme, dose, year, effectiveFrom].join('|');
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(
        'areaCode',
        `Baris ganda: sama dengan baris ${earlier}`,
        `Duplicate row: same area, programme, dose, year and effective date as row ${earlier}`,
      );
      return;
    }
    seen.set(key, row);
    valid.push({ areaCode, programme, dose, year, effectiveFrom, effectiveTo, population });
  });
  if (rows.length === 0) problems.push({ row: 0, field: 'rows', messageId: 'Tidak ada baris target', messageEn: 'No target rows' });
  if (rows.length > MAX_ROWS)
    problems.push({ row: 0, field: 'rows', messageId: `Paling banyak ${MAX_ROWS} baris`, messageEn: `At most ${MAX_ROWS} rows` });
  return { valid, problems };
}

/** Upserts validated targets in one statement (the caller's transaction makes it all-or-nothing). */
export async function upsertTargets(tx: EntityManager, rows: ValidTarget[]): Promise<TargetImportSummary> {
  if (rows.length === 0) return { imported: 0, created: 0, updated: 0 };
  const result = await tx.execute<{ created: boolean }[]>(
    `insert into target (area_code, programme, dose, year, effective_from, effective_to, population)
     select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::date[], ?::date[], ?::int[])
     on conflict (area_code, programme, dose, year, effective_from)
       do update set effective_to = excluded.effective_to, population = excluded.population, imported_at = now()
     returning (xmax = 0) as created`,
    [
      pgArray(rows.map((r) => r.areaCode)),
      pgArray(rows.map((r) => r.programme)),
      pgArray(rows.map((r) => r.dose)),
      pgArray(rows.map((r) => String(r.year))),
      pgArray(rows.map((r) => r.effectiveFrom)),
      `{${rows.map((r) => (r.effectiveTo ? `"${r.effectiveTo}"` : 'NULL')).join(',')}}`,
      pgArray(rows.map((r) => String(r.population))),
    ],
  );
  const created = result.filter((r) => r.created).length;
  return { imported: rows.length, created, updated: rows.length - created };
}

/** Validates (throwing one field error that lists every problem) and imports in one transaction. */
export async function importTargets(
  em: EntityManager,
  rows: RawTarget[],
  rowNumber: (index: number) => number,
  fieldPrefix: (row: number) => string,
) {
  const { valid, problems } = validateTargets(rows, rowNumber);
  if (problems.length > 0) {
    const first = problems[0]!;
    const field = first.row > 0 ? `${fieldPrefix(first.row)}.${first.field}` : first.field;
    throw badInput(
      field,
      {
        id: `Impor target ditolak (${problems.length} kesalahan, tidak ada yang disimpan): ${field}: ${first.messageId}`,
        en: `Target import rejected (${problems.length} problems, nothing saved): ${field}: ${first.messageEn}`,
      },
      { errors: problems.map((p) => ({ ...p, field: p.row > 0 ? `${fieldPrefix(p.row)}.${p.field}` : p.field })) },
    );
  }
  return em.transactional((tx) => upsertTargets(tx, valid));
}

export interface TargetPreviewRow extends ValidTarget {
  row: number;
  areaName: string;
  /** The target in force today for the same area, programme, dose, year and effective date; null when new. */
  currentPopulation: number | null;
}

export interface TargetPreview {
  rows: TargetPreviewRow[];
  problems: TargetProblem[];
  created: number;
  updated: number;
}

/**
 * What importTargets would do, saving nothing: every valid row with the target it would replace, and every
 * problem (as data, not as an error, so the admin sees them all beside the rows before importing).
 */
export async function previewTargets(
  em: EntityManager,
  rows: RawTarget[],
  rowNumber: (index: number) => number,
  fieldPrefix: (row: number) => string,
): Promise<TargetPreview> {
  const { valid, problems } = validateTargets(rows, rowNumber);
  const areas = areaIndex();
  const existing = new Map<string, number>();
  if (valid.length > 0) {
    const found = await em.execute<{ key: string; population: number }[]>(
      `select t.area_code || '|' || t.programme || '|' || t.dose || '|' || t.year || '|' || to_char(t.effective_from, 'YYYY-MM-DD') as key,
              t.population
         from target t
         join unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::date[]) as g(area_code, programme, dose, year, effective_from)
           on (t.area_code, t.programme, t.dose, t.year, t.effective_from) = (g.area_code, g.programme, g.dose, g.year, g.effective_from)`,
      [
        pgArray(valid.map((r) => r.areaCode)),
        pgArray(valid.map((r) => r.programme)),
        pgArray(valid.map((r) => r.dose)),
        pgArray(valid.map((r) => String(r.year))),
        pgArray(valid.map((r) => r.effectiveFrom)),
      ],
    );
    for (const f of found) existing.set(f.key, Number(f.population));
  }
  const seenRows = new Set(problems.map((p) => p.row));
  let index = 0;
  const out: TargetPreviewRow[] = [];
  // validateTargets keeps row order; walk the raw rows to pair each valid one with its row number.
  rows.forEach((_, i) => {
    const row = rowNumber(i);
    if (seenRows.has(row)) return;
    const v = valid[index++];
    if (!v) return;
    const current = existing.get([v.areaCode, v.programme, v.dose, v.year, v.effectiveFrom].join('|'));
    out.push({ ...v, row, areaName: areas.byCode.get(v.areaCode)?.name ?? v.areaCode, currentPopulation: current ?? null });
  });
  const updated = out.filter((r) => r.currentPopulation !== null).length;
  return {
    rows: out,
    problems: problems.map((p) => ({ ...p, field: p.row > 0 ? `${fieldPrefix(p.row)}.${p.field}` : p.field })),
    created: out.length - updated,
    updated,
  };
}

/** `npm run import -- targets <file.csv>` */
export async function importTargetsFile(em: EntityManager, file: string): Promise<TargetImportSummary> {
  const text = readFileSync(file, 'utf8');
  return importTargets(
    em,
    targetsFromCsv(text),
    (i) => i + 2,
    (line) => `line ${line}`,
  );
}

/** Imported targets in force on a day: the latest effective row per area. */
export async function targetsInForce(em: EntityManager, programme: string, dose: string, day: string): Promise<Map<string, number>> {
  const rows = await em.execute<{ area_code: string; population: number }[]>(
    `select distinct on (area_code) area_code, population from target
      where programme = ? and dose = ? and effective_from <= ? and (effective_to is null or effective_to >= ?)
      order by area_code, effective_from desc, year desc`,
    [programme, dose, day, day],
  );
  return new Map(rows.map((r) => [r.area_code, Number(r.population)]));
}

/** An area's target: its own, else the sum of its sub-areas' targets (null when none has one). */
export function targetOf(code: string, own: Map<string, number>): number | null {
  const mine = own.get(code);
  if (mine !== undefined) return mine;
  const idx = areaIndex();
  const level = idx.levelOf(code);
  const children = level === 'CITY' ? [...idx.kecamatan.keys()] : level === 'KECAMATAN' ? (idx.kecamatan.get(code) ?? []) : [];
  let sum: number | null = null;
  for (const c of children) {
    const t = targetOf(c, own);
    if (t !== null) sum = (sum ?? 0) + t;
  }
  return sum;
}

import { badInput, ErrorCode, messageKey, parseCsv, type AppError } from '@victori/shared';
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

/** A problem's field as the caller named the rows (`csv[line 3].year`, `rows[0].year`); whole-import problems keep their own field. */
const problemField = (p: TargetProblem, fieldPrefix: (row: number) => string): string =>
  p.row > 0 ? `${fieldPrefix(p.row)}.${p.field}` : p.field;

/** The one field error that rejects an import and lists every problem (nothing is saved). */
export function targetImportRejected(problems: TargetProblem[], fieldPrefix: (row: number) => string): AppError {
  const first = problems[0]!;
  const field = problemField(first, fieldPrefix);
  return badInput(
    field,
    {
      id: `Impor target ditolak (${problems.length} kesalahan, tidak ada yang disimpan): ${field}: ${first.messageId}`,
      en: `Target import rejected (${problems.length} problems, nothing saved): ${field}: ${first.messageEn}`,
    },
    {
      errors: problems.map((p) => ({ ...p, field: problemField(p, fieldPrefix) })),
      // The same problems in the shape every other submission uses (`extensions.fields`).
      fields: problems.map((p) => ({
        field: problemField(p, fieldPrefix),
        message: p.messageId,
        messageEn: p.messageEn,
        messageId: messageKey(ErrorCode.BAD_USER_INPUT, p.field),
      })),
    },
  );
}

/** The key of a target row: area, programme, dose, year and effective date (the table's natural key). */
export const targetKey = (t: Pick<ValidTarget, 'areaCode' | 'programme' | 'dose' | 'year' | 'effectiveFrom'>): string =>
  [t.areaCode, t.programme, t.dose, t.year, t.effectiveFrom].join('|');

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

/** Pairs every valid row with its row number and the population it would replace (`existing` by targetKey). */
export function previewOf(
  rows: RawTarget[],
  rowNumber: (index: number) => number,
  fieldPrefix: (row: number) => string,
  checked: { valid: ValidTarget[]; problems: TargetProblem[] },
  existing: Map<string, number>,
): TargetPreview {
  const { valid, problems } = checked;
  const areas = areaIndex();
  const seenRows = new Set(problems.map((p) => p.row));
  let index = 0;
  const out: TargetPreviewRow[] = [];
  // validateTargets keeps row order; walk the raw rows to pair each valid one with its row number.
  rows.forEach((_, i) => {
    const row = rowNumber(i);
    if (seenRows.has(row)) return;
    const v = valid[index++];
    if (!v) return;
    const current = existing.get(targetKey(v));
    out.push({ ...v, row, areaName: areas.byCode.get(v.areaCode)?.name ?? v.areaCode, currentPopulation: current ?? null });
  });
  const updated = out.filter((r) => r.currentPopulation !== null).length;
  return {
    rows: out,
    problems: problems.map((p) => ({ ...p, field: problemField(p, fieldPrefix) })),
    created: out.length - updated,
    updated,
  };
}

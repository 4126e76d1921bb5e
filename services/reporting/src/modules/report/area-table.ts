import { badInput, type AreaRow } from '@victori/shared';
import { areaIndex, type LevelName } from '../area/area.tree.js';
import { isSuppressed, suppressSmallCounts } from '../suppression/suppression.js';

export interface AreaSelection {
  level: LevelName;
  parentCode?: string | null;
}

export interface AreaTableRow<C extends string> {
  area: AreaRow;
  level: LevelName;
  isTotal: boolean;
  /** Null when suppressed in this view. */
  counts: Record<C, number | null>;
  suppressed: boolean;
}

/** The areas a (level, parentCode) selection lists, in code order, or a field error. */
export function selectAreas(sel: AreaSelection): AreaRow[] {
  const idx = areaIndex();
  const parent = sel.parentCode ?? null;
  const parentLevel = parent === null ? null : idx.levelOf(parent);
  if (parent !== null && !parentLevel) {
    throw badInput('parentCode', { id: `Wilayah ${parent} tidak dikenal`, en: `Unknown area ${parent}` });
  }
  const fits =
    parentLevel === null ||
    (sel.level === 'KECAMATAN' && parentLevel === 'CITY') ||
    (sel.level === 'KELURAHAN' && (parentLevel === 'CITY' || parentLevel === 'KECAMATAN'));
  if (!fits) {
    throw badInput('parentCode', {
      id: `Wilayah ${parent} bukan induk untuk tingkat ${sel.level}`,
      en: `Area ${parent} is not a parent for level ${sel.level}`,
    });
  }
  if (sel.level === 'CITY') return [idx.city];
  if (sel.level === 'KECAMATAN') return [...idx.kecamatan.keys()].sort().map((c) => idx.byCode.get(c)!);
  const codes = parentLevel === 'KECAMATAN' ? idx.kelurahanUnder(parent!) : idx.kelurahanUnder(idx.cityCode);
  return [...codes].sort().map((c) => idx.byCode.get(c)!);
}

/**
 * Rows of the selected areas plus the city total, summing kelurahan counts; in a restricted view every
 * count column is suppressed by the small-count rule (computed over the whole city, so that every
 * view hides the same cells).
 */
export function buildAreaTable<C extends string>(
  columns: readonly C[],
  kelurahanCounts: Map<string, Partial<Record<C, number>>>,
  sel: AreaSelection,
  restriction: { threshold: number } | null,
): AreaTableRow<C>[] {
  const idx = areaIndex();
  const value = (code: string, col: C): number => kelurahanCounts.get(code)?.[col] ?? 0;
  const suppression = restriction
    ? columns.map((col) => suppressSmallCounts((code) => value(code, col), idx, restriction.threshold))
    : null;
  const rowFor = (area: AreaRow, isTotal: boolean): AreaTableRow<C> => {
    const level = area.level.toUpperCase() as LevelName;
    const under = idx.kelurahanUnder(area.code);
    let suppressed = false;
    const counts = {} as Record<C, number | null>;
    columns.forEach((col, i) => {
      const hidden = suppression ? isSuppressed(suppression[i]!, level, area.code) : false;
      suppressed ||= hidden;
      counts[col] = hidden ? null : under.reduce<number>((s, code) => s + value(code, col), 0);
    });
    return { area, level, isTotal, counts, suppressed };
  };
  const rows = selectAreas(sel).map((a) => rowFor(a, a.level === 'city'));
  if (sel.level !== 'CITY') rows.push(rowFor(idx.city, true));
  return rows;
}

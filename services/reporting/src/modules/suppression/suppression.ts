/**
 * Small-count suppression for partner and public views (README "Suppression rule").
 *
 * 1. Primary: every kelurahan count below the threshold k is suppressed.
 * 2. Complementary: within each kecamatan (whose total is published), while any suppressed kelurahan
 *    value could be worked out exactly from the total, the published cells and what the rule tells
 *    about suppressed cells (a primary cell is in [0, k-1], a complementary cell is at least k),
 *    the smallest published kelurahan of that kecamatan is suppressed as well.
 * 3. When every kelurahan of a kecamatan is suppressed and a value is still derivable, the kecamatan
 *    total is suppressed, and then the city total too (otherwise city minus the other kecamatan
 *    totals would give it back).
 * The decision depends only on the full kelurahan table, so every view and export of the same
 * numbers suppresses the same cells.
 */

export interface AuditCell {
  value: number;
  suppressed: boolean;
  /** What an observer knows about a suppressed cell from the published rule. */
  lower: number;
  upper: number;
}

/** Indexes of suppressed cells whose value follows exactly from the published total and cells. */
export function derivableCells(cells: AuditCell[], total: number): number[] {
  const hidden = cells.map((c, i) => ({ ...c, i })).filter((c) => c.suppressed);
  if (hidden.length === 0) return [];
  const rest = total - cells.filter((c) => !c.suppressed).reduce((s, c) => s + c.value, 0);
  const sumLower = hidden.reduce((s, c) => s + c.lower, 0);
  const sumUpper = hidden.reduce((s, c) => s + c.upper, 0);
  return hidden
    .filter((c) => {
      const lo = Math.max(c.lower, rest - (sumUpper - c.upper));
      const hi = Math.min(c.upper, rest - (sumLower - c.lower));
      return lo === hi;
    })
    .map((c) => c.i);
}

export interface AreaTree {
  cityCode: string;
  /** kecamatan code -> its kelurahan codes */
  kecamatan: Map<string, string[]>;
}

export interface Suppression {
  kelurahan: Set<string>;
  kecamatan: Set<string>;
  city: boolean;
}

export function suppressSmallCounts(value: (kelurahanCode: string) => number, tree: AreaTree, threshold: number): Suppression {
  const result: Suppression = { kelurahan: new Set(), kecamatan: new Set(), city: false };
  for (const [kecamatanCode, kelurahanCodes] of tree.kecamatan) {
    const cells = kelurahanCodes.map((code) => {
      const v = value(code);
      return { code, value: v, suppressed: v < threshold, lower: 0, upper: threshold - 1 };
    });
    const total = cells.reduce((s, c) => s + c.value, 0);
    while (derivableCells(cells, total).length > 0) {
      const next = cells.filter((c) => !c.suppressed).sort((a, b) => a.value - b.value || a.code.localeCompare(b.code))[0];
      if (!next) {
        result.kecamatan.add(kecamatanCode);
        break;
      }
      Object.assign(next, { suppressed: true, lower: threshold, upper: Number.POSITIVE_INFINITY });
    }
    for (const c of cells) if (c.suppressed) result.kelurahan.add(c.code);
  }
  result.city = result.kecamatan.size > 0;
  return result;
}

/** True when the cell of this area is hidden. */
export function isSuppressed(s: Suppression, level: 'CITY' | 'KECAMATAN' | 'KELURAHAN', code: string): boolean {
  if (level === 'CITY') return s.city;
  return level === 'KECAMATAN' ? s.kecamatan.has(code) : s.kelurahan.has(code);
}

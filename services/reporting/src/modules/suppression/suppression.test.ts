import { areaIndex } from '../area/area.tree.js';
import { derivableCells, suppressSmallCounts, type AreaTree } from './suppression.js';

const K = 5;

/** Deterministic pseudo-random numbers (mulberry32) so that a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An observer's exact attack, independent of the implementation's interval audit: the values each
 * suppressed cell can take such that the suppressed cells still add up to what the published total
 * leaves, by dynamic programming over reachable sums. The observer is assumed to know which cells
 * are primary (0..k-1) and which complementary (k or more).
 */
function possibleValues(bounds: [number, number][], rest: number): Set<number>[] {
  const reach = (cells: [number, number][]): boolean[] => {
    let r = Array.from({ length: rest + 1 }, (_, j) => j === 0);
    for (const [lo, hi] of cells) {
      const prefix = [0];
      for (let j = 0; j <= rest; j++) prefix.push(prefix[j]! + (r[j] ? 1 : 0));
      r = r.map((_, j) => {
        const a = j - Math.min(hi, rest);
        const b = j - lo;
        if (b < 0) return false;
        return prefix[b + 1]! - prefix[Math.max(0, a)]! > 0;
      });
    }
    return r;
  };
  return bounds.map(([lo, hi], i) => {
    const others = reach(bounds.filter((_, j) => j !== i));
    const values = new Set<number>();
    for (let x = lo; x <= Math.min(hi, rest); x++) if (others[rest - x]) values.add(x);
    return values;
  });
}

function assertNothingDerivable(values: Map<string, number>, tree: AreaTree) {
  const s = suppressSmallCounts((c) => values.get(c) ?? 0, tree, K);
  for (const [kec, kels] of tree.kecamatan) {
    for (const kel of kels) if ((values.get(kel) ?? 0) < K) expect(s.kelurahan.has(kel)).toBe(true);
    if (s.kecamatan.has(kec)) {
      expect(s.city).toBe(true);
      expect(kels.every((k) => s.kelurahan.has(k))).toBe(true);
      continue;
    }
    const hidden = kels.filter((k) => s.kelurahan.has(k));
    if (hidden.length === 0) continue;
    expect(hidden.length).toBeGreaterThanOrEqual(2);
    const rest = hidden.reduce((sum, k) => sum + values.get(k)!, 0);
    const bounds = hidden.map((k): [number, number] => (values.get(k)! < K ? [0, K - 1] : [K, Number.MAX_SAFE_INTEGER]));
    for (const [i, options] of possibleValues(bounds, rest).entries()) {
      expect({ kelurahan: hidden[i], options: options.size > 1 }).toEqual({ kelurahan: hidden[i], options: true });
    }
  }
}

describe('small-count suppression', () => {
  const tree = areaIndex();
  const kecamatan = [...tree.kecamatan.keys()][0]!;
  const kels = tree.kecamatan.get(kecamatan)!;
  const table = (vals: number[]) => {
    const m = new Map<string, number>();
    for (const kel of tree.kelurahanUnder(tree.cityCode)) m.set(kel, 100);
    vals.forEach((v, i) => m.set(kels[i]!, v));
    return m;
  };

  test('a lone small cell gets a complementary suppression: the smallest other kelurahan', () => {
    const values = table([3, 40, 30, 50]);
    const s = suppressSmallCounts((c) => values.get(c)!, tree, K);
    expect([...s.kelurahan].sort()).toEqual([kels[0], kels[2]].sort());
    expect(s.kecamatan.size).toBe(0);
    expect(s.city).toBe(false);
    assertNothingDerivable(values, tree);
  });

  test('two small cells protect each other unless their sum gives them away', () => {
    const values = table([3, 2, 40, 50]);
    expect([...suppressSmallCounts((c) => values.get(c)!, tree, K).kelurahan].sort()).toEqual([kels[0], kels[1]].sort());
    // 0 and 0: the suppressed cells add up to 0, so both are known to be 0; another cell is needed.
    const zeros = table([0, 0, 40, 50]);
    const s = suppressSmallCounts((c) => zeros.get(c)!, tree, K);
    expect(s.kelurahan.size).toBe(3);
    assertNothingDerivable(zeros, tree);
  });

  test('a complement exactly at the threshold is not enough on its own', () => {
    const values = table([0, 5, 100]);
    const s = suppressSmallCounts((c) => values.get(c)!, tree, K);
    expect(s.kelurahan.has(kels[2]!)).toBe(true);
    assertNothingDerivable(values, tree);
  });

  test('when every kelurahan is hidden and still derivable, the kecamatan and the city totals are hidden', () => {
    const values = table(kels.map(() => 0));
    const s = suppressSmallCounts((c) => values.get(c)!, tree, K);
    expect(s.kecamatan.has(kecamatan)).toBe(true);
    expect(s.city).toBe(true);
    assertNothingDerivable(values, tree);
  });

  test('the interval audit agrees with a one-cell example', () => {
    expect(
      derivableCells(
        [
          { value: 3, suppressed: true, lower: 0, upper: 4 },
          { value: 10, suppressed: false, lower: 0, upper: 4 },
        ],
        13,
      ),
    ).toEqual([0]);
  });

  test.each(Array.from({ length: 40 }, (_, i) => i + 1))('random city table %i: no suppressed value can be derived', (seed) => {
    const random = rng(seed);
    const values = new Map<string, number>();
    const smallShare = random();
    for (const kel of tree.kelurahanUnder(tree.cityCode)) {
      values.set(kel, random() < smallShare ? Math.floor(random() * K) : K + Math.floor(random() * 30));
    }
    assertNothingDerivable(values, tree);
  });
});

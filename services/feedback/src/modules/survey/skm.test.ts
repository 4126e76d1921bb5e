import { bandOf, skmIndex, SKM_ELEMENTS, suppressedFacilities } from './skm.js';

const sums = (perElement: number[], n: number) => perElement.map((v) => v * n);

describe('the SKM index of PermenPANRB 14/2017', () => {
  test('has the nine elements of the regulation', () => {
    expect(SKM_ELEMENTS.map((e) => e.id)).toEqual([
      'Persyaratan',
      'Sistem, mekanisme, dan prosedur',
      'Waktu penyelesaian',
      'Biaya/tarif',
      'Produk spesifikasi jenis pelayanan',
      'Kompetensi pelaksana',
      'Perilaku pelaksana',
      'Penanganan pengaduan, saran, dan masukan',
      'Sarana dan prasarana',
    ]);
  });

  test('every answer 4 is 100 (A); every answer 1 is 25 (D)', () => {
    expect(skmIndex(sums(Array(9).fill(4), 3), 3)).toMatchObject({ ikm: 4, value: 100, band: 'A' });
    expect(skmIndex(sums(Array(9).fill(1), 3), 3)).toMatchObject({ ikm: 1, value: 25, band: 'D' });
  });

  test('a worked example: element averages weighted 1/9 each, times 25', () => {
    // Two respondents: one answers 3 everywhere, one 4 everywhere but 2 on waiting time (U3).
    const elementSums = [7, 7, 5, 7, 7, 7, 7, 7, 7];
    const index = skmIndex(elementSums, 2)!;
    expect(index.elementAverages).toEqual([3.5, 3.5, 2.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5]);
    // (8 × 3.5 + 2.5) / 9 = 3.3889; × 25 = 84.72: band B (baik)
    expect(index.ikm).toBeCloseTo(3.3889, 4);
    expect(index.value).toBe(84.72);
    expect(index.band).toBe('B');
  });

  test.each([
    [100, 'A'],
    [88.31, 'A'],
    [88.3, 'B'],
    [76.61, 'B'],
    [76.6, 'C'],
    [65, 'C'],
    [64.99, 'D'],
    [25, 'D'],
  ])('%d is band %s', (value, band) => {
    expect(bandOf(value).band).toBe(band);
  });

  test('no answers, no index', () => {
    expect(skmIndex(Array(9).fill(0), 0)).toBeUndefined();
  });
});

describe('suppression of small counts outside the city office', () => {
  test('facilities below k are hidden', () => {
    expect(
      suppressedFacilities(
        new Map([
          ['a', 3],
          ['b', 12],
          ['c', 2],
        ]),
        10,
      ),
    ).toEqual(new Set(['a', 'c']));
  });

  test('a single hidden facility takes the smallest shown one with it (the city total would give it back)', () => {
    expect(
      suppressedFacilities(
        new Map([
          ['a', 3],
          ['b', 40],
          ['c', 15],
        ]),
        10,
      ),
    ).toEqual(new Set(['a', 'c']));
  });

  test('nothing hidden when every facility has enough answers', () => {
    expect(
      suppressedFacilities(
        new Map([
          ['a', 10],
          ['b', 11],
        ]),
        10,
      ),
    ).toEqual(new Set());
  });
});

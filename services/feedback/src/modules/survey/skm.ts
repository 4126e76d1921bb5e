/**
 * The public-service satisfaction index (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): nine elements
 * (unsur), each answered on a scale of 1 to 4. Every element weighs the same, 1/9 (the regulation's
 * "nilai rata-rata tertimbang" = number of weights / number of elements), so the index (IKM) is the
 * weighted sum of the element averages; the unit's SKM value is IKM × 25 (25 to 100), and the value falls
 * in one of four quality bands.
 */
export const SKM_ELEMENTS = [
  { code: 'U1', key: 'requirements', id: 'Persyaratan', en: 'Requirements' },
  { code: 'U2', key: 'procedure', id: 'Sistem, mekanisme, dan prosedur', en: 'System, mechanism and procedure' },
  { code: 'U3', key: 'completionTime', id: 'Waktu penyelesaian', en: 'Completion time' },
  { code: 'U4', key: 'cost', id: 'Biaya/tarif', en: 'Cost/tariff' },
  { code: 'U5', key: 'serviceProduct', id: 'Produk spesifikasi jenis pelayanan', en: 'Specification of the service product' },
  { code: 'U6', key: 'staffCompetence', id: 'Kompetensi pelaksana', en: 'Competence of the staff' },
  { code: 'U7', key: 'staffConduct', id: 'Perilaku pelaksana', en: 'Conduct of the staff' },
  {
    code: 'U8',
    key: 'complaintHandling',
    id: 'Penanganan pengaduan, saran, dan masukan',
    en: 'Handling of complaints, suggestions and input',
  },
  { code: 'U9', key: 'facilities', id: 'Sarana dan prasarana', en: 'Facilities and infrastructure' },
] as const;

export type SkmElementKey = (typeof SKM_ELEMENTS)[number]['key'];
export type SkmAnswers = Record<SkmElementKey, number>;

/** The weight of each element: 1/9. */
export const SKM_WEIGHT = 1 / SKM_ELEMENTS.length;

export type SkmBand = 'A' | 'B' | 'C' | 'D';

/**
 * The regulation's table of conversion intervals (nilai interval konversi) and quality (mutu pelayanan):
 * 88.31–100 A (sangat baik), 76.61–88.30 B (baik), 65.00–76.60 C (kurang baik), 25.00–64.99 D (tidak baik).
 */
export const SKM_BANDS: { band: SkmBand; from: number; id: string; en: string }[] = [
  { band: 'A', from: 88.31, id: 'Sangat baik', en: 'Very good' },
  { band: 'B', from: 76.61, id: 'Baik', en: 'Good' },
  { band: 'C', from: 65.0, id: 'Kurang baik', en: 'Poor' },
  { band: 'D', from: 25.0, id: 'Tidak baik', en: 'Very poor' },
];

export interface SkmIndex {
  responses: number;
  /** Average of each element (1 to 4), in the order of SKM_ELEMENTS. */
  elementAverages: number[];
  /** IKM: weighted sum of the element averages (1 to 4). */
  ikm: number;
  /** IKM × 25, two decimals: the SKM value reported (25 to 100). */
  value: number;
  band: SkmBand;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function bandOf(value: number): (typeof SKM_BANDS)[number] {
  return SKM_BANDS.find((b) => value >= b.from) ?? SKM_BANDS[SKM_BANDS.length - 1]!;
}

/** The index from the per-element sums of `responses` answers; undefined with no answers. */
export function skmIndex(elementSums: readonly number[], responses: number): SkmIndex | undefined {
  if (responses <= 0) return undefined;
  const elementAverages = elementSums.map((sum) => sum / responses);
  const ikm = elementAverages.reduce((total, average) => total + average * SKM_WEIGHT, 0);
  const value = round(ikm * 25, 2);
  return { responses, elementAverages: elementAverages.map((a) => round(a, 3)), ikm: round(ikm, 4), value, band: bandOf(value).band };
}

/**
 * Which facilities' indices a partner (or anyone but the city office) may not see, reusing reporting's
 * idea of primary and complementary suppression: a facility with fewer than `k` answers is hidden; and
 * when exactly one facility of those shown in a city-wide view would be hidden, the smallest other one is
 * hidden too, otherwise the city's totals minus the published facilities would give it back.
 */
export function suppressedFacilities(counts: ReadonlyMap<string, number>, k: number): Set<string> {
  const hidden = new Set([...counts].filter(([, n]) => n < k).map(([id]) => id));
  if (hidden.size === 1 && counts.size > 1) {
    const smallest = [...counts].filter(([id]) => !hidden.has(id)).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0];
    if (smallest) hidden.add(smallest[0]);
  }
  return hidden;
}

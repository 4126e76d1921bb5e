import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CsvRecords } from './csv.js';

/** Absolute path of a file in the repository's data/ folder (real Semarang and Indonesian reference data). */
export function dataPath(file: string): string {
  return fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}

/** Rows of a CSV text with a header line, as objects keyed by the (trimmed) header names. */
export function parseCsv(text: string): Record<string, string>[] {
  const reader = new CsvRecords();
  const records = [...reader.push(text), ...reader.end()].map((r) => r.fields).filter((r) => r.some((v) => v !== ''));
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export function readCsv(file: string): Record<string, string>[] {
  return parseCsv(readFileSync(dataPath(file), 'utf8'));
}

export interface AreaRow {
  code: string;
  level: 'city' | 'kecamatan' | 'kelurahan';
  name: string;
  parentCode: string;
}

let areas: AreaRow[] | undefined;
/** Kota Semarang's city, 16 kecamatan and 177 kelurahan (Kepmendagri 300.2.2-2138/2025). */
export function semarangAreas(): AreaRow[] {
  areas ??= readCsv('semarang-areas.csv').map((r) => ({
    code: r.code!,
    level: r.level as AreaRow['level'],
    name: r.name!,
    parentCode: r.parent_code!,
  }));
  return areas;
}

/** Kecamatan code of a kelurahan code (33.74.01.1001 -> 33.74.01), or undefined when not in Semarang. */
export function kecamatanOf(kelurahanCode: string): string | undefined {
  const row = semarangAreas().find((a) => a.code === kelurahanCode && a.level === 'kelurahan');
  return row?.parentCode;
}

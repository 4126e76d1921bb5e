import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in the repository's data/ folder (real Semarang and Indonesian reference data). */
export function dataPath(file: string): string {
  return fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}

/** Minimal RFC 4180 CSV parser for our reference files (quoted fields, commas and quotes inside quotes). */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((v) => v !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
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

import { createReadStream, statSync } from 'node:fs';
import { readSheet } from 'read-excel-file/node';
import { CommandError, CsvRecords, type CsvDelimiter, type CsvRecord } from '@victori/shared';

/** What `--delimiter` accepts: the character itself or its name. */
const DELIMITER_NAMES: Record<string, CsvDelimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
};

export function parseDelimiter(value: string): CsvDelimiter {
  const delimiter = DELIMITER_NAMES[value.toLowerCase()];
  if (!delimiter) throw new CommandError(`--delimiter must be one of , ; tab (or comma, semicolon), got "${value}"`);
  return delimiter;
}

/** The separator of a header line: the most frequent of comma, semicolon and tab outside quotes (comma on a tie). */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c as CsvDelimiter)) counts.set(c as CsvDelimiter, counts.get(c as CsvDelimiter)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

export const delimiterName = (d: CsvDelimiter): string => (d === '\t' ? 'tab' : d);

export interface ImportSource {
  records: AsyncGenerator<CsvRecord>;
  /** How much of the file has been read, 0..1 (for the ETA). */
  fraction(): number;
  /** The field separator in use (detected or named); undefined for a workbook. */
  delimiter(): CsvDelimiter | undefined;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CommandError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`}`);
  }
}

/** A cell as the CSV text of the same column: dates as ISO (wall-clock time, read as Asia/Jakarta), numbers in full. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Spreadsheets store times as fractions of a day: 10:00 can come back as 09:59:59.999.
    const iso = new Date(Math.round(value.getTime() / 1000) * 1000).toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  return String(value).trim();
}

/** The first sheet of an .xlsx workbook, as records with their spreadsheet row numbers. */
function workbook(file: string): ImportSource {
  let total = 0;
  let done = 0;
  async function* records(): AsyncGenerator<CsvRecord> {
    let rows: unknown[][];
    try {
      rows = (await readSheet(file)) as unknown[][];
    } catch (error) {
      throw new CommandError(`${file}: not a readable .xlsx workbook (${error instanceof Error ? error.message : String(error)})`);
    }
    total = rows.length;
    for (let i = 0; i < rows.length; i++) {
      done = i + 1;
      const fields = rows[i]!.map(cellText);
      if (fields.every((f) => f === '')) continue;
      yield { line: i + 1, fields };
    }
  }
  return { records: records(), fraction: () => (total ? done / total : 0), delimiter: () => undefined };
}

/** A CSV file, streamed in 1 MiB chunks; the delimiter is named or detected from the header line. */
function csv(file: string, named?: CsvDelimiter): ImportSource {
  const size = fileSize(file);
  let read = 0;
  let delimiter = named;
  async function* records(): AsyncGenerator<CsvRecord> {
    let reader: CsvRecords | undefined;
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      let text = chunk as string;
      read += text.length;
      if (!reader) {
        text = text.replace(/^\uFEFF/, ''); // the byte-order mark spreadsheets write before the header
        delimiter ??= detectDelimiter(text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n')));
        reader = new CsvRecords(delimiter);
      }
      yield* reader.push(text);
    }
    if (reader) yield* reader.end();
  }
  return { records: records(), fraction: () => (size ? Math.min(1, read / size) : 0), delimiter: () => delimiter };
}

export function openImportFile(file: string, options: { delimiter?: CsvDelimiter } = {}): ImportSource {
  if (/\.xlsx$/i.test(file)) {
    fileSize(file);
    return workbook(file);
  }
  if (/\.xls$/i.test(file)) throw new CommandError(`${file}: the old .xls format is not supported; save it as .xlsx or CSV`);
  return csv(file, options.delimiter);
}

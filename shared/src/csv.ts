/**
 * CSV (RFC 4180) for reference files and streaming imports: quoted fields may hold commas, doubled
 * quotes and line breaks; fields are trimmed. `CsvRecords` takes text chunk by chunk, so a large file
 * is read with memory bounded by one chunk and one record.
 */

/** Field separators spreadsheets write: comma, semicolon (locales with a decimal comma, as in Indonesia), tab. */
export type CsvDelimiter = ',' | ';' | '\t';

/** Fields of one complete record (which may span lines inside quotes). */
export function parseCsvRecord(record: string, delimiter: CsvDelimiter = ','): string[] {
  // Most records hold no quotes at all: split them without walking every character.
  if (!record.includes('"')) return record.split(delimiter).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (quoted) {
      if (c === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  out.push(field.trim());
  return out;
}

export interface CsvRecord {
  /** The line the record starts on (1-based), for reports. */
  line: number;
  fields: string[];
}

const quotes = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
};

/** Splits text chunks into records; blank lines are skipped. Call `push` per chunk, then `end`. */
export class CsvRecords {
  constructor(private readonly delimiter: CsvDelimiter = ',') {}

  private carry = '';
  private pending = '';
  private pendingLine = 0;
  private line = 0;

  *push(chunk: string): Generator<CsvRecord> {
    const lines = (this.carry + chunk).split('\n');
    this.carry = lines.pop() ?? '';
    for (const l of lines) yield* this.take(l);
  }

  *end(): Generator<CsvRecord> {
    if (this.carry) yield* this.take(this.carry);
    this.carry = '';
    if (this.pending) throw new Error(`CSV: unterminated quoted field starting on line ${this.pendingLine}`);
  }

  private *take(raw: string): Generator<CsvRecord> {
    this.line += 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.pending) {
      this.pending += `\n${text}`;
    } else {
      if (!text.trim()) return;
      this.pending = text;
      this.pendingLine = this.line;
    }
    // An odd number of quotes so far: a quoted field continues on the next line.
    if (quotes(this.pending) % 2 === 1) return;
    const record = { line: this.pendingLine, fields: parseCsvRecord(this.pending, this.delimiter) };
    this.pending = '';
    yield record;
  }
}

/** One value for a CSV file we write (quoted when it must be). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

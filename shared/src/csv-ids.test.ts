import { CsvRecords, csvField } from './csv.js';
import { parseCsv } from './data.js';
import { isUuid, uuidv7 } from './ids.js';

describe('CSV reading', () => {
  test('records split across chunks anywhere, quoted commas, quotes and line breaks, CRLF, blank lines, start lines', () => {
    const text = 'id,name,note\r\n1,"Siti, S.Pd.","she said ""hi"""\r\n\r\n2,Bambang,"two\nlines"\n3, Rina ,\n';
    // Feed it one character at a time: chunk boundaries must not matter.
    const reader = new CsvRecords();
    const records = [...[...text].flatMap((c) => [...reader.push(c)]), ...reader.end()];
    expect(records).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['1', 'Siti, S.Pd.', 'she said "hi"'] },
      { line: 4, fields: ['2', 'Bambang', 'two\nlines'] },
      { line: 6, fields: ['3', 'Rina', ''] },
    ]);
  });

  test('an unterminated quote is an error, not a silently merged file', () => {
    const reader = new CsvRecords();
    expect(() => [...reader.push('a,"b\nc,d\n'), ...reader.end()]).toThrow(/unterminated quoted field starting on line 1/);
  });

  test('reference files parse into objects by header; written fields round-trip', () => {
    const rows = parseCsv(`code,name\n33.74,"Kota Semarang"\n,\n3374010,${csvField('Semarang "Tengah", Kota')}\n`);
    expect(rows).toEqual([
      { code: '33.74', name: 'Kota Semarang' },
      { code: '3374010', name: 'Semarang "Tengah", Kota' },
    ]);
  });
});

describe('uuidv7', () => {
  test('RFC 9562 version 7 layout, carrying the creation time', () => {
    const at = Date.UTC(2026, 10, 23, 12, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
  });

  test('strictly increasing within one process, even thousands per millisecond and if the clock steps back', () => {
    const ids = [...Array.from({ length: 10_000 }, () => uuidv7(Date.UTC(2030, 0, 1))), uuidv7(Date.UTC(2029, 0, 1)), uuidv7()];
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length - 1; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });
});

describe('isUuid', () => {
  test('the text form of any UUID version, either case; nothing else reaches a uuid column', () => {
    expect(isUuid(uuidv7())).toBe(true);
    expect(isUuid('6F1C2A10-0000-4000-8000-000000000002')).toBe(true);
    for (const bad of [
      '',
      'x',
      '6f1c2a10-0000-4000-8000-00000000000',
      '6f1c2a10-0000-4000-8000-0000000000021',
      '6f1c2a100000400080000000000000002',
      "6f1c2a10-0000-4000-8000-00000000000'",
      42,
      null,
      undefined,
    ]) {
      expect(isUuid(bad)).toBe(false);
    }
  });
});

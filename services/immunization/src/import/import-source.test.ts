import { CommandError } from '@victori/shared';
import { formatProgress, terminalProgress } from './import-progress.js';
import { detectDelimiter, parseDelimiter } from './import-source.js';

describe('the delimiter of a spreadsheet export', () => {
  test.each([
    ['record_id,nik,full_name', ','],
    ['record_id;nik;full_name', ';'],
    ['record_id\tnik\tfull_name', '\t'],
    ['"a;b",c,d', ','], // inside quotes it does not count
    ['record_id', ','],
  ])('is detected from the header %j', (header, expected) => {
    expect(detectDelimiter(header)).toBe(expected);
  });

  test('or named: the character or its name; anything else is a clear error', () => {
    expect([';', 'semicolon', 'tab', '\\t', ',', 'comma'].map(parseDelimiter)).toEqual([';', ';', '\t', '\t', ',', ',']);
    expect(() => parseDelimiter('|')).toThrow(CommandError);
    expect(() => parseDelimiter('|')).toThrow('--delimiter must be one of , ; tab');
  });
});

describe('the progress line', () => {
  test('shows rows, rows per second and the time left', () => {
    expect(formatProgress({ rows: 12_000, elapsedMs: 3000, fraction: 0.25 })).toBe('12,000 rows  4,000 rows/s  ETA 0:09');
    expect(formatProgress({ rows: 500_000, elapsedMs: 100_000, fraction: 0.05 })).toBe('500,000 rows  5,000 rows/s  ETA 31:40');
    expect(formatProgress({ rows: 10, elapsedMs: 0, fraction: 0 })).toBe('10 rows  0 rows/s  ETA ?');
  });

  test('is written in place on a terminal only', () => {
    const written: string[] = [];
    const tty = terminalProgress({ isTTY: true, write: (t: string) => written.push(t) }, 0);
    tty.update({ rows: 1000, elapsedMs: 1000, fraction: 0.5 });
    tty.update({ rows: 2000, elapsedMs: 2000, fraction: 1 });
    tty.done();
    expect(written).toEqual(['\r\x1b[K1,000 rows  1,000 rows/s  ETA 0:01', '\r\x1b[K2,000 rows  1,000 rows/s  ETA 0:00', '\n']);

    const piped: string[] = [];
    const pipe = terminalProgress({ isTTY: false, write: (t: string) => piped.push(t) }, 0);
    pipe.update({ rows: 1000, elapsedMs: 1000, fraction: 0.5 });
    pipe.done();
    expect(piped).toEqual([]);
  });
});

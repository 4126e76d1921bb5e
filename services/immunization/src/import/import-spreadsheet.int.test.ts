/**
 * The history import as a spreadsheet user meets it: any of the separators a spreadsheet writes, an
 * .xlsx workbook, a clear message with the line for a wrong file, and doses of lots inventory does not
 * know grouped into one reconciliation item per lot (or kept out of stock) — through the real
 * platform: immunization's import, the events, inventory's consumer and the gateway.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CommandError, makeNik, PiiVault } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../platform/src/testing.js';
import { IMPORT_COLUMNS, importDoses, parseImportArgs } from './import-doses.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const dir = mkdtempSync(path.join(tmpdir(), 'victori-sheet-'));
let platform: TestPlatform;
let vault: PiiVault;
let serial = 100;

/** A dose row; every call is another person. */
function row(lot = 'SV001', product = 'CORONAVAC'): string[] {
  serial += 1;
  const nik = makeNik('337401', '1984-05-06', 'MALE', serial);
  return [
    `h${serial}`,
    nik,
    'Hadi Wijaya',
    '1984-05-06',
    'MALE',
    '33.74.01.1001',
    'COVID19',
    'PRIMARY_1',
    product,
    lot,
    '2021-07-01T02:00:00Z',
    'PKM-MIROTO',
  ];
}
function file(name: string, rows: string[][], delimiter = ','): string {
  const target = path.join(dir, name);
  writeFileSync(target, [[...IMPORT_COLUMNS], ...rows].map((r) => r.join(delimiter)).join('\r\n'));
  return target;
}
const importFile = (target: string, options: Parameters<typeof importDoses>[3] = {}) =>
  importDoses(platform.databaseUrls.services.immunization, vault, target, options);

async function inventorySql<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: platform.databaseUrls.services.inventory });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  platform = await startTestPlatform('importsheet');
  vault = new PiiVault(platform.secrets.piiKey);
});
afterAll(async () => {
  await platform?.close();
});

describe('a spreadsheet export', () => {
  test.each([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
  ])('separated by %s is read (detected from the header)', async (name, delimiter) => {
    const report = await importFile(file(`${name}.csv`, [row(), row()], delimiter));
    expect(report).toMatchObject({ read: 2, imported: 2, rejected: 0 });
  });

  test('a named delimiter wins; a wrong one stops at once with the line and the fix', async () => {
    const target = file('named.csv', [row()], ';');
    expect(await importFile(target, { delimiter: ';' })).toMatchObject({ imported: 1 });
    const error = await importFile(target, { delimiter: ',' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toContain('line 1: the header must be record_id,nik,');
    expect((error as Error).message).toContain(`add --delimiter ';'`);
  });

  test('an .xlsx workbook is read: dates, times and numbers as a spreadsheet keeps them', async () => {
    const report = await importFile(path.join(FIXTURES, 'history.xlsx'));
    expect(report).toMatchObject({ read: 3, imported: 3, rejected: 0, peopleRegistered: 2 });
    const client = new pg.Client({ connectionString: platform.databaseUrls.services.immunization });
    await client.connect();
    try {
      const { rows } = await client.query<{ at: string }>(
        `select to_char(administered_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') as at from dose_record where lot_number in ('SV100', 'SV101', 'PF200') order by 1`,
      );
      expect(rows.map((r) => r.at)).toEqual(['2021-08-02 09:30', '2021-08-30 10:00', '2021-09-01 08:00']);
    } finally {
      await client.end();
    }
  });

  test.each([
    ['a wrong header', 'wrong.csv', 'record_id,name\nx,y\n', /line 1: the header must be .*missing: nik/],
    ['an unterminated quote', 'quote.csv', `${IMPORT_COLUMNS.join(',')}\n${row().join(',')}\nr2,"open\n`, /line 3/],
    ['a missing file', 'missing.csv', undefined, /missing\.csv: no such file/],
    ['an empty file', 'empty.csv', '', /the file is empty/],
  ])('%s is a message naming the line or the file', async (_what, name, content, message) => {
    const target = path.join(dir, name);
    if (content !== undefined) writeFileSync(target, content);
    const error = await importFile(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
  });

  test('the command line: one file, --delimiter, --lots group|ignore', () => {
    expect(parseImportArgs(['a.csv', '--delimiter', 'tab', '--lots', 'ignore'])).toEqual({
      file: 'a.csv',
      options: { delimiter: '\t', lots: 'ignore' },
    });
    expect(() => parseImportArgs(['a.csv', '--lots', 'maybe'])).toThrow('--lots must be group or ignore');
    expect(() => parseImportArgs([])).toThrow(CommandError);
  });
});

describe('doses of lots inventory does not know', () => {
  type Item = { doseRecordId: string; lotNumber: string; status: string; reason: string; doses: number; resolvedAt: string | null };
  const LIST = `query($all: Boolean) { doseReconciliations(facilityId: "${MIROTO}", includeResolved: $all, first: 1000) { edges { node { doseRecordId lotNumber status reason doses resolvedAt } } } }`;
  const list = async (token: string, all = false) =>
    (await gql<{ doseReconciliations: { edges: { node: Item }[] } }>(platform.gatewayUrl, LIST, { all }, { token }))
      .data!.doseReconciliations.edges.map((e) => e.node)
      .filter((i) => i.lotNumber.startsWith('OLD-'));
  const seen = async (lot: string) =>
    Number((await inventorySql<{ n: string }>(`select count(*) as n from dose_administration where lot_number = $1`, [lot]))[0]!.n);
  const until = async (done: () => Promise<boolean>) => {
    for (const end = Date.now() + 30_000; !(await done()); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > end) throw new Error('inventory did not take the imported doses in time');
    }
  };

  test('are one reconciliation item per lot, with its dose count; --lots ignore keeps history out of stock', async () => {
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    const rows = [...Array.from({ length: 30 }, () => row('OLD-A1')), ...Array.from({ length: 5 }, () => row('OLD-B2'))];
    expect(await importFile(file('history-lots.csv', rows))).toMatchObject({ imported: 35 });
    await until(async () => (await seen('OLD-A1')) === 30 && (await seen('OLD-B2')) === 5);
    const items = await list(admin);
    expect(items.map(({ lotNumber, status, reason, doses }) => ({ lotNumber, status, reason, doses }))).toEqual([
      { lotNumber: 'OLD-A1', status: 'GROUPED', reason: 'UNKNOWN_LOT', doses: 30 },
      { lotNumber: 'OLD-B2', status: 'GROUPED', reason: 'UNKNOWN_LOT', doses: 5 },
    ]);

    expect(
      await importFile(
        file(
          'ignored-lots.csv',
          Array.from({ length: 10 }, () => row('OLD-C3')),
        ),
        { lots: 'ignore' },
      ),
    ).toMatchObject({
      imported: 10,
    });
    await until(async () => (await seen('OLD-C3')) === 10);
    expect((await list(admin)).map((i) => i.lotNumber)).toEqual(['OLD-A1', 'OLD-B2']);

    // Resolving the item resolves every dose it stands for.
    const resolved = await gql<{ resolveDoseReconciliation: Item }>(
      platform.gatewayUrl,
      `mutation($id: ID!) { resolveDoseReconciliation(doseRecordId: $id, resolution: "Lot lama sebelum sistem; stok fisik sudah dihitung") { lotNumber doses resolvedAt } }`,
      { id: items[0]!.doseRecordId },
      { token: admin },
    );
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data!.resolveDoseReconciliation).toMatchObject({ lotNumber: 'OLD-A1', doses: 30 });
    expect((await list(admin)).map((i) => i.lotNumber)).toEqual(['OLD-B2']);
    expect((await list(admin, true)).find((i) => i.lotNumber === 'OLD-A1')).toMatchObject({ doses: 30, resolvedAt: expect.any(String) });
  });
});

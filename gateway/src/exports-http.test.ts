import { exportDocument, exportFilename, exportRoute, exportVariables, statusOf } from './exports-http.js';

describe('export files at the edge', () => {
  test.each([
    ['/exports/coverage.csv', { table: 'COVERAGE', format: 'csv' }],
    ['/exports/child-indicators.dhis2.json', { table: 'CHILD_INDICATORS', format: 'dhis2' }],
    ['/exports/facility-indicators.csv', { table: 'FACILITY_INDICATORS', format: 'csv' }],
    ['/exports/coverage.json', undefined],
    ['/exports/people.csv', undefined],
    ['/exports/../coverage.csv', undefined],
  ])('%s', (path, expected) => {
    const route = exportRoute(path);
    if (expected === undefined) expect(route).toBeUndefined();
    else expect(route).toMatchObject(expected);
  });

  test('parameters become typed variables; every unknown, repeated or malformed one is named at once', () => {
    const ok = exportVariables(new URLSearchParams('programme=COVID19&dose=BOOSTER_1&level=kecamatan&cohort=2025'));
    expect(ok).toEqual({ variables: { programme: 'COVID19', dose: 'BOOSTER_1', level: 'KECAMATAN', cohort: 2025 }, problems: [] });
    const bad = exportVariables(new URLSearchParams('cohort=25&dose=A&dose=B&table=COVERAGE'));
    expect(bad.problems.map((p) => p.field)).toEqual(['cohort', 'dose', 'table']);
  });

  test('the document asks only for the given arguments, typed as the schema types them', () => {
    const route = exportRoute('/exports/coverage.dhis2.json')!;
    expect(exportDocument(route, { programme: 'COVID19', level: 'CITY', facilityId: 'x' })).toBe(
      'query ExportFile($table: ReportTable!, $programme: String, $level: AreaLevel, $facilityId: ID) { export: exportDhis2(table: $table, programme: $programme, level: $level, facilityId: $facilityId) { content rows } }',
    );
  });

  test('file names say what is in the file and carry nothing but safe characters', () => {
    const route = exportRoute('/exports/coverage.csv')!;
    expect(
      exportFilename(route, { programme: 'COVID19', dose: 'BOOSTER_1', level: 'KELURAHAN', parentCode: '33.74.01' }, '2026-12-02'),
    ).toBe('victori-coverage-covid19-booster_1-kelurahan-33.74.01-2026-12-02.csv');
    expect(exportFilename(route, { programme: '"; rm -rf /', asOf: '2026-06-30' }, '2026-12-02')).toBe(
      'victori-coverage-rm-rf-2026-06-30.csv',
    );
  });

  test('typed errors map to HTTP statuses', () => {
    expect([
      statusOf('UNAUTHENTICATED', true),
      statusOf('FORBIDDEN', true),
      statusOf('BAD_USER_INPUT', true),
      statusOf('PERSISTED_QUERY_REQUIRED', true),
    ]).toEqual([401, 403, 400, 403]);
    expect(statusOf('SUBGRAPH_UNAVAILABLE', true)).toBe(502);
  });
});

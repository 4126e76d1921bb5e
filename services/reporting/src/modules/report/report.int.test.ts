import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentCompleted,
  AppointmentNoShow,
  DoseRecorded,
  parseCsv,
  PersonRegistered,
  StockChanged,
  type AppointmentPayload,
  type DoseRecordPayload,
} from '@victori/shared';
import { loadReportingSettings } from '../../config.js';
import { reportingService } from '../../service.js';
import { areaIndex } from '../area/area.tree.js';
import { startReportingHarness, type ReportingHarness } from '../../testing/harness.js';

const FACILITY = '6f1c2a10-0000-4000-8000-000000000002';
const ADMIN = { role: 'admin', sub: 'admin-1' } as const;
const PARTNER = { role: 'partner', sub: 'opd-1' } as const;
const SEMARANG_TENGAH = '33.74.01';

interface Row {
  area: { code: string; name: string };
  isTotal: boolean;
  target: number | null;
  achieved: number | null;
  percentage: number | null;
  suppressed: boolean;
}
const COVERAGE = `query($level: AreaLevel!, $parent: String, $asOf: Date) {
  coverage(programme: "COVID19", dose: "BOOSTER_1", level: $level, parentCode: $parent, asOf: $asOf) {
    area { code name } isTotal target achieved percentage suppressed } }`;

function dose(
  personId: string,
  kelurahan: string,
  kind: string,
  at: string,
  programme = 'COVID19',
  birthDate = '1980-01-01',
): DoseRecordPayload {
  return {
    doseRecordId: randomUUID(),
    personId,
    nikHash: null,
    programme,
    doseKind: kind,
    antigen: kind,
    doseNumber: 1,
    productCode: 'PFIZER',
    lotNumber: 'L1',
    facilityId: FACILITY,
    administeredAt: at,
    appointmentId: null,
    slipCode: null,
    valid: true,
    residenceKelurahanCode: kelurahan,
    birthDate,
    sex: 'MALE',
  };
}

describe('reporting through its GraphQL API', () => {
  let h: ReportingHarness;
  const kelurahan = areaIndex().kecamatan.get(SEMARANG_TENGAH)!;
  /** Booster doses per kelurahan of Semarang Tengah: one below the threshold, the rest above. */
  const boosted = new Map(kelurahan.map((k, i) => [k, i === 0 ? 3 : 6 + i]));

  beforeAll(async () => {
    h = await startReportingHarness('api');
    for (const [k, n] of boosted) {
      for (let i = 0; i < n; i++) {
        const person = randomUUID();
        await h.publish(DoseRecorded, 'immunization', person, dose(person, k, 'BOOSTER_1', '2024-02-10T03:00:00Z'));
      }
    }
    await h.drain();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('the seeded COVID-19 booster targets: 16 kecamatan, 1,391,552 in all', async () => {
    const res = await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KECAMATAN' }, ADMIN);
    expect(res.errors).toBeUndefined();
    const rows = res.data!.coverage;
    expect(rows).toHaveLength(17);
    expect(rows.at(-1)).toMatchObject({ isTotal: true, area: { code: '33.74', name: 'Kota Semarang' }, target: 1_391_552 });
    const tengah = rows.find((r) => r.area.code === SEMARANG_TENGAH)!;
    const achieved = [...boosted.values()].reduce((a, b) => a + b, 0);
    expect(tengah).toMatchObject({ target: 50_621, achieved, percentage: Math.round((achieved / 50_621) * 10000) / 100 });
    // Before the target's effective date there is no target.
    const early = await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KECAMATAN', asOf: '2021-12-31' }, ADMIN);
    expect(early.data!.coverage.find((r) => r.area.code === SEMARANG_TENGAH)).toMatchObject({
      target: null,
      achieved: 0,
      percentage: null,
    });
  });

  test('admins see every count; partners and the public get small counts suppressed, complementary cells included', async () => {
    const admin = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, ADMIN)).data!.coverage;
    expect(admin.filter((r) => !r.isTotal).map((r) => [r.area.code, r.achieved])).toEqual([...boosted]);
    for (const claims of [PARTNER, { role: 'anonymous' } as const, { role: 'citizen', sub: 'c1' } as const]) {
      const view = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, claims)).data!.coverage;
      const cells = view.filter((r) => !r.isTotal);
      const hidden = cells.filter((r) => r.achieved === null);
      // The one small kelurahan, and one more so that the kecamatan total minus the rest reveals neither.
      expect(hidden.map((r) => r.area.code)).toEqual([kelurahan[0], kelurahan[1]]);
      expect(hidden.every((r) => r.suppressed && r.percentage === null)).toBe(true);
      const kecamatan = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KECAMATAN' }, claims)).data!.coverage;
      const total = kecamatan.find((r) => r.area.code === SEMARANG_TENGAH)!.achieved!;
      const visible = cells.reduce((s, r) => s + (r.achieved ?? 0), 0);
      expect(total - visible).toBe(boosted.get(kelurahan[0]!)! + boosted.get(kelurahan[1]!)!);
      // Other kecamatan have no doses at all (every kelurahan 0 < 5): their totals, and so the city total, are hidden.
      expect(kecamatan.find((r) => r.area.code === '33.74.02')!.achieved).toBeNull();
      expect(kecamatan.at(-1)).toMatchObject({ isTotal: true, achieved: null, suppressed: true });
    }
  });

  test('Area.coverage gives the same row as the coverage query', async () => {
    const res = await h.call<{ area: { name: string; coverage: Row; children: { code: string; coverage: Row }[] } }>(
      `{ area(code: "${SEMARANG_TENGAH}") { name coverage(programme: "COVID19", dose: "BOOSTER_1") { achieved target percentage }
          children { code coverage(programme: "COVID19", dose: "BOOSTER_1") { achieved } } } }`,
      {},
      PARTNER,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.area.coverage).toMatchObject({ target: 50_621, achieved: [...boosted.values()].reduce((a, b) => a + b, 0) });
    expect(res.data!.area.children.find((c) => c.code === kelurahan[0])!.coverage.achieved).toBeNull();
    expect(res.data!.area.children.find((c) => c.code === kelurahan[2])!.coverage.achieved).toBe(boosted.get(kelurahan[2]!));
  });

  test('importTargets: admins only, every problem reported with its field, all or nothing', async () => {
    const csv = `area_code,programme,dose,year,effective_from,target\n${kelurahan[2]},COVID19,BOOSTER_1,2024,2024-01-01,15\n33.99.99,COVID19,BOOSTER_1,24,2024-01-01,x\n`;
    const forbidden = await h.call(`mutation($csv: String) { importTargets(csv: $csv) { imported } }`, { csv }, PARTNER);
    expect(forbidden.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const bad = await h.call(`mutation($csv: String) { importTargets(csv: $csv) { imported } }`, { csv }, ADMIN);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv[line 3].areaCode' });
    const problems = bad.errors![0]!.extensions!.errors as { field: string }[];
    expect(problems.map((p) => p.field)).toEqual(['csv[line 3].areaCode', 'csv[line 3].year', 'csv[line 3].population']);
    // Nothing was saved: the valid first line is not in force either.
    const before = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, ADMIN)).data!.coverage;
    expect(before.find((r) => r.area.code === kelurahan[2])!.target).toBeNull();

    const ok = await h.call<{ importTargets: { imported: number; created: number; updated: number } }>(
      `mutation($rows: [TargetInput!]) { importTargets(rows: $rows) { imported created updated } }`,
      { rows: [{ areaCode: kelurahan[2], programme: 'covid19', dose: 'BOOSTER_1', year: 2024, population: 15 }] },
      ADMIN,
    );
    expect(ok.data!.importTargets).toEqual({ imported: 1, created: 1, updated: 0 });
    const again = await h.call<{ importTargets: { created: number; updated: number } }>(
      `mutation($csv: String) { importTargets(csv: $csv) { created updated } }`,
      { csv: `area_code,programme,dose,year,target\n${kelurahan[2]},COVID19,BOOSTER_1,2024,12\n` },
      ADMIN,
    );
    expect(again.data!.importTargets).toEqual({ created: 0, updated: 1 });
    const after = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, ADMIN)).data!.coverage;
    // 8 of 12: 66.666… rounds half-up to 66.67; the kecamatan keeps its own imported target.
    expect(after.find((r) => r.area.code === kelurahan[2])).toMatchObject({ target: 12, achieved: 8, percentage: 66.67 });
  });

  test('exports parse back to the numbers of the requester’s view, in CSV and DHIS2 JSON', async () => {
    for (const claims of [ADMIN, PARTNER]) {
      const view = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, claims)).data!.coverage;
      const res = await h.call<{ csv: { content: string; rows: number }; dhis2: { content: string; contentType: string } }>(
        `{ csv: exportCsv(table: COVERAGE, programme: "COVID19", dose: "BOOSTER_1", level: KELURAHAN, parentCode: "${SEMARANG_TENGAH}") { content rows }
           dhis2: exportDhis2(table: COVERAGE, programme: "COVID19", dose: "BOOSTER_1", level: KELURAHAN, parentCode: "${SEMARANG_TENGAH}") { content contentType } }`,
        {},
        claims,
      );
      expect(res.errors).toBeUndefined();
      const parsed = parseCsv(res.data!.csv.content);
      expect(res.data!.csv.rows).toBe(view.length);
      const num = (s: string | undefined) => (s === '' || s === undefined ? null : Number(s));
      expect(parsed.map((r) => [r.area_code, num(r.target), num(r.achieved), num(r.percentage), r.is_total === 'true'])).toEqual(
        view.map((r) => [r.area.code, r.target, r.achieved, r.percentage, r.isTotal]),
      );
      const set = JSON.parse(res.data!.dhis2.content) as {
        dataValues: { dataElement: string; period: string; orgUnit: string; categoryOptionCombo: string; value: string }[];
      };
      const m = loadReportingSettings().dhis2;
      const achieved = set.dataValues.filter((v) => v.dataElement === m.dataElements['coverage.achieved']);
      const org = (code: string) => m.orgUnits[code] ?? code;
      expect(new Map(achieved.map((v) => [v.orgUnit, Number(v.value)]))).toEqual(
        new Map(view.filter((r) => r.achieved !== null).map((r) => [org(r.area.code), r.achieved])),
      );
      expect(
        set.dataValues.every((v) => v.categoryOptionCombo === m.categoryOptionCombos['COVID19:BOOSTER_1'] && /^\d{8}$/.test(v.period)),
      ).toBe(true);
    }
    const missing = await h.call(`{ exportCsv(table: COVERAGE, level: KECAMATAN) { content } }`, {}, PARTNER);
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'programme' });
  });

  test('child indicators of a birth cohort: IDL, IBL, UCI at the configured threshold and DPT-HB-Hib 1 to MR1 dropout', async () => {
    const defs = loadReportingSettings().definitions;
    const kel = kelurahan[3]!;
    for (let i = 0; i < 5; i++) {
      const person = randomUUID();
      await h.publish(PersonRegistered, 'immunization', person, {
        personId: person,
        nikHash: null,
        birthDate: '2024-03-15',
        sex: 'FEMALE',
        residenceKelurahanCode: kel,
        isChild: true,
      });
      // Four complete the basic doses before the first birthday; the fifth stops after DPT-HB-Hib 1.
      const kinds = i < 4 ? defs.idl.doseKinds : ['HB0', 'DPT-HB-HIB1'];
      for (const kind of kinds)
        await h.publish(
          DoseRecorded,
          'immunization',
          person,
          dose(person, kel, kind, '2024-12-01T03:00:00Z', 'ROUTINE_CHILD', '2024-03-15'),
        );
      // Two of them also get the 18-month doses in time, one of those too late.
      if (i < 2) {
        for (const kind of defs.ibl.doseKinds) {
          await h.publish(
            DoseRecorded,
            'immunization',
            person,
            dose(person, kel, kind, i === 0 ? '2025-10-01T03:00:00Z' : '2026-03-20T03:00:00Z', 'ROUTINE_CHILD', '2024-03-15'),
          );
        }
      }
    }
    await h.drain();
    const q = `{ childIndicators(cohort: 2024, level: KELURAHAN, parentCode: "${SEMARANG_TENGAH}") {
      area { code } isTotal children idl idlRate ibl iblRate dpt1 mr1 dropoutRate uci uciThreshold suppressed } }`;
    const admin = await h.call<{ childIndicators: Record<string, unknown>[] }>(q, {}, ADMIN);
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.childIndicators.find((r) => (r.area as { code: string }).code === kel)).toMatchObject({
      children: 5,
      idl: 4,
      idlRate: 80,
      ibl: 1,
      iblRate: 20,
      dpt1: 5,
      mr1: 4,
      dropoutRate: 20,
      uci: true,
      uciThreshold: 80,
      suppressed: false,
    });
    const partner = await h.call<{ childIndicators: Record<string, unknown>[] }>(q, {}, PARTNER);
    // 4 IDL, 1 IBL, 4 MR1 are below 5: hidden with their rates, the UCI status and the dropout rate. The 5
    // children are the only ones in the kecamatan: with every other kelurahan at 0 the total would give them
    // away, so they are hidden too (and the kecamatan total with them).
    const rows = partner.data!.childIndicators;
    expect(rows.find((r) => (r.area as { code: string }).code === kel)).toMatchObject({
      children: null,
      idl: null,
      idlRate: null,
      ibl: null,
      mr1: null,
      dropoutRate: null,
      uci: null,
      suppressed: true,
    });
    expect(rows.at(-1)).toMatchObject({ isTotal: true, children: null, idl: null });
    const csv = await h.call<{ exportCsv: { content: string } }>(
      `{ exportCsv(table: CHILD_INDICATORS, cohort: 2024, level: KELURAHAN, parentCode: "${SEMARANG_TENGAH}") { content } }`,
      {},
      ADMIN,
    );
    const line = parseCsv(csv.data!.exportCsv.content).find((r) => r.area_code === kel)!;
    expect([line.children, line.idl, line.idl_rate, line.dropout_rate, line.uci]).toEqual(['5', '4', '80', '20', 'true']);
  });

  test('facility indicators per product and day from booking and inventory events', async () => {
    const stock = async (at: string, reason: string, quantity: number, balanceAfter: number) =>
      h.publish(StockChanged, 'inventory', `${FACILITY}:lot-1`, {
        entryId: randomUUID(),
        facilityId: FACILITY,
        productCode: 'PFIZER',
        lotNumber: 'L1',
        reason,
        quantity,
        balanceAfter,
        at,
      });
    await stock('2025-03-01T02:00:00Z', 'RECEIPT', 100, 100);
    await stock('2025-03-01T05:00:00Z', 'ADMINISTERED', -10, 90);
    await stock('2025-03-01T06:00:00Z', 'OPENED_VIAL_DISCARD', -2, 88);
    await stock('2025-03-02T03:00:00Z', 'ADMINISTERED', -88, 0);
    await stock('2025-03-04T03:00:00Z', 'RECEIPT', 50, 50);
    const appointment = (status: string): AppointmentPayload => ({
      appointmentId: randomUUID(),
      sessionId: randomUUID(),
      slotId: randomUUID(),
      facilityId: FACILITY,
      programme: 'COVID19',
      productCode: 'PFIZER',
      doseKind: 'BOOSTER_1',
      sessionDate: '2025-03-01',
      status,
      nikHash: null,
      walkIn: false,
    });
    for (const [next, contract] of [
      ['COMPLETED', AppointmentCompleted],
      ['NO_SHOW', AppointmentNoShow],
      ['CANCELLED', AppointmentCancelled],
    ] as const) {
      const a = appointment('BOOKED');
      await h.publish(AppointmentBooked, 'booking', a.appointmentId, a);
      await h.publish(contract, 'booking', a.appointmentId, { ...a, status: next });
    }
    await h.drain();
    const res = await h.call<{ facilityIndicators: Record<string, unknown>[] }>(
      `{ facilityIndicators(from: "2025-03-01", to: "2025-03-04", facilityId: "${FACILITY}") {
          facility { id } date productCode booked served noShow cancelled onHand daysOfStock stockOut stockOutDays received administered used wastageRate } }`,
      {},
      PARTNER,
    );
    expect(res.errors).toBeUndefined();
    const pick = (r: Record<string, unknown>) => [
      r.date,
      r.onHand,
      r.stockOut,
      r.stockOutDays,
      r.administered,
      r.used,
      r.wastageRate,
      r.daysOfStock,
    ];
    expect(res.data!.facilityIndicators.map(pick)).toEqual([
      ['2025-03-01', 88, false, 0, 10, 12, 16.67, 246.4],
      ['2025-03-02', 0, true, 1, 88, 88, 0, 0],
      ['2025-03-03', 0, true, 2, 0, 0, null, 0],
      ['2025-03-04', 50, true, 3, 0, 0, null, 14.29],
    ]);
    expect(res.data!.facilityIndicators[0]).toMatchObject({
      facility: { id: FACILITY },
      booked: 2,
      served: 1,
      noShow: 1,
      cancelled: 1,
      received: 100,
    });
    // The product filter, alone and with the facility: the same rows for PFIZER, none for another product.
    for (const filter of ['productCode: "PFIZER"', `facilityId: "${FACILITY}", productCode: "PFIZER"`, 'productCode: "MODERNA"']) {
      const narrowed = await h.call<{ facilityIndicators: Record<string, unknown>[] }>(
        `{ facilityIndicators(from: "2025-03-01", to: "2025-03-04", ${filter}) {
            date productCode booked served noShow cancelled onHand daysOfStock stockOut stockOutDays received administered used wastageRate } }`,
        {},
        PARTNER,
      );
      expect(narrowed.errors).toBeUndefined();
      expect(narrowed.data!.facilityIndicators.map(pick)).toEqual(filter.includes('MODERNA') ? [] : res.data!.facilityIndicators.map(pick));
    }
    const exported = await h.call<{ exportDhis2: { content: string } }>(
      `{ exportDhis2(table: FACILITY_INDICATORS, from: "2025-03-01", to: "2025-03-04", facilityId: "${FACILITY}") { content } }`,
      {},
      PARTNER,
    );
    const values = (
      JSON.parse(exported.data!.exportDhis2.content) as { dataValues: { dataElement: string; period: string; value: string }[] }
    ).dataValues;
    const onHand = values
      .filter((v) => v.dataElement === loadReportingSettings().dhis2.dataElements['facility.onHand'])
      .map((v) => [v.period, Number(v.value)]);
    expect(onHand).toEqual([
      ['20250301', 88],
      ['20250302', 0],
      ['20250303', 0],
      ['20250304', 50],
    ]);
  });

  test('npm run import -- targets <file.csv> runs the service command', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'targets-'));
    const file = path.join(dir, 'targets.csv');
    writeFileSync(
      file,
      `area_code,programme,dose,year,effective_from,effective_to,target\n${kelurahan[4]},COVID19,BOOSTER_1,2024,2024-01-01,,40\n`,
    );
    await reportingService.commands!['import-targets']!(h.service.runtime, [file]);
    const rows = (await h.call<{ coverage: Row[] }>(COVERAGE, { level: 'KELURAHAN', parent: SEMARANG_TENGAH }, ADMIN)).data!.coverage;
    expect(rows.find((r) => r.area.code === kelurahan[4])).toMatchObject({ target: 40, achieved: boosted.get(kelurahan[4]!) });
    writeFileSync(file, `area_code,programme,dose,year,target\n33.74.99,COVID19,BOOSTER_1,2024,40\n`);
    await expect(reportingService.commands!['import-targets']!(h.service.runtime, [file])).rejects.toThrow(/line 2\.areaCode/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('bad arguments are field errors, never a 500', async () => {
    const cases: [string, string][] = [
      [`{ coverage(programme: "COVID19", dose: "BOOSTER_1", level: KECAMATAN, parentCode: "33.74.01") { achieved } }`, 'parentCode'],
      [`{ coverage(programme: "", dose: "BOOSTER_1", level: CITY) { achieved } }`, 'programme'],
      [`{ childIndicators(cohort: 1900, level: CITY) { idl } }`, 'cohort'],
      [`{ facilityIndicators(from: "2025-03-04", to: "2025-03-01") { date } }`, 'to'],
      [`{ facilityIndicators(from: "2025-01-01", to: "2025-02-01", facilityId: "nope") { date } }`, 'facilityId'],
    ];
    for (const [query, field] of cases) {
      const res = await h.call(query, {}, PARTNER);
      expect(res.status).toBe(200);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});

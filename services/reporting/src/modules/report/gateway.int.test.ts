import { randomUUID } from 'node:crypto';
import { createEnvelope, DoseRecorded, StockChanged } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../../../platform/src/testing.js';

const MIROTO = '33.74.01.1001';
const PKM_MIROTO = '6f1c2a10-0000-4000-8000-000000000002';

describe('reporting through the real gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('reportinggw', { background: false } as Parameters<typeof startTestPlatform>[1]);
    const reporting = platform.services.reporting.runtime.events;
    const person = randomUUID();
    await reporting.transport.append([
      createEnvelope(DoseRecorded, 'immunization', person, {
        doseRecordId: randomUUID(),
        personId: person,
        nikHash: null,
        programme: 'COVID19',
        doseKind: 'BOOSTER_1',
        antigen: 'COVID19',
        doseNumber: 3,
        productCode: 'PFIZER',
        lotNumber: 'L1',
        facilityId: PKM_MIROTO,
        administeredAt: '2024-02-01T03:00:00Z',
        appointmentId: null,
        slipCode: null,
        valid: true,
        residenceKelurahanCode: MIROTO,
        birthDate: '1980-01-01',
        sex: 'MALE',
      }),
      createEnvelope(StockChanged, 'inventory', `${PKM_MIROTO}:l1`, {
        entryId: randomUUID(),
        facilityId: PKM_MIROTO,
        productCode: 'PFIZER',
        lotNumber: 'L1',
        reason: 'RECEIPT',
        quantity: 60,
        balanceAfter: 60,
        at: '2025-03-01T02:00:00Z',
      }),
    ]);
    for (const c of reporting.consumers) await c.drain();
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('a partner sees the booster recap with the one dose of Miroto suppressed; an admin sees it', async () => {
    const q = `{ coverage(programme: "COVID19", dose: "BOOSTER_1", level: KELURAHAN, parentCode: "33.74.01") { area { code name parent { name } } achieved isTotal } }`;
    const partner = await gql<{ coverage: { area: { code: string }; achieved: number | null }[] }>(
      platform.gatewayUrl,
      q,
      {},
      {
        token: await platform.token({ role: 'partner', sub: 'opd-1' }),
      },
    );
    expect(partner.errors).toBeUndefined();
    expect(partner.data!.coverage.find((r) => r.area.code === MIROTO)!.achieved).toBeNull();
    const admin = await gql<{ coverage: { area: { code: string }; achieved: number | null }[] }>(
      platform.gatewayUrl,
      q,
      {},
      {
        token: await platform.token({ role: 'admin', sub: 'admin-1' }),
      },
    );
    expect(admin.data!.coverage.find((r) => r.area.code === MIROTO)!.achieved).toBe(1);
  });

  test('facility indicators reference booking’s Facility; only admins import targets', async () => {
    const res = await gql<{ facilityIndicators: { facility: { id: string; name: string }; onHand: number }[] }>(
      platform.gatewayUrl,
      `{ facilityIndicators(from: "2025-03-01", to: "2025-03-01") { facility { id name } onHand } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.facilityIndicators).toEqual([{ facility: { id: PKM_MIROTO, name: 'Puskesmas Miroto' }, onHand: 60 }]);
    const denied = await gql(
      platform.gatewayUrl,
      `mutation { importTargets(csv: "area_code,programme,dose,year,target\\n33.74.01,COVID19,BOOSTER_2,2024,10\\n") { imported } }`,
      {},
      {
        token: await platform.token({ role: 'partner', sub: 'opd-1' }),
      },
    );
    expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

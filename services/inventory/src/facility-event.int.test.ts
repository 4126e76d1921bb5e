import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';

describe('facilities created at run time', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('invfacility', { seed: true });
  });
  afterAll(async () => platform?.close());

  test('a facility an admin creates in booking can receive stock once its event arrives', async () => {
    const admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    const created = await gql<{ createFacility: { id: string } }>(
      platform.gatewayUrl,
      `mutation($i: CreateFacilityInput!) { createFacility(input: $i) { id } }`,
      {
        i: {
          code: 'PKM-BARU',
          name: 'Puskesmas Baru',
          type: 'PUSKESMAS',
          kelurahanCode: '33.74.10.1006',
          address: 'Jl. Baru No. 1',
          openingHours: [{ weekday: 1, opens: '08:00', closes: '14:00' }],
        },
      },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const facilityId = created.data!.createFacility.id;
    const received = await gql<{ receiveStock: { lot: { id: string } } }>(
      platform.gatewayUrl,
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
      { i: { productCode: 'PFIZER', lotNumber: 'FE-1', expiryDate: '2030-01-31', doses: 60 } },
      { token: admin },
    );
    const cityStore = '6f1c2a10-0000-4000-8000-000000000001';
    const transfer = (): Promise<{ errors?: { extensions?: Record<string, unknown> }[] }> =>
      gql(
        platform.gatewayUrl,
        `mutation($i: TransferStockInput!) { transferStock(input: $i) { lot { id } } }`,
        { i: { fromFacilityId: cityStore, toFacilityId: facilityId, lotId: received.data!.receiveStock.lot.id, doses: 30 } },
        { token: admin },
      );
    let res = await transfer();
    for (let i = 0; i < 100 && res.errors; i++) {
      expect(res.errors[0]!.extensions!.code).toBe('NOT_FOUND');
      await new Promise((r) => setTimeout(r, 100));
      res = await transfer();
    }
    expect(res.errors).toBeUndefined();
    const stock = await gql<{ facility: { stock: { usableDoses: number }[] } }>(
      platform.gatewayUrl,
      `{ facility(id: "${facilityId}") { stock { usableDoses } } }`,
    );
    expect(stock.data!.facility.stock).toEqual([{ usableDoses: 30 }]);
  });
});

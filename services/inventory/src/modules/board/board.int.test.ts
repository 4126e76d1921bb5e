import type { Caller } from '../../context.js';
import { CITY_STORE, inventoryDb, reconcile, type InventoryDb } from '../../testing/inventory-db.js';
import { seedDemoStock } from '../../seeders/stock.seeder.js';
import { applyChange, findLotByNumber, localDate } from '../ledger/ledger.store.js';
import { expiringLots } from '../lot/lot.service.js';
import { receiveStock, transferStock } from '../stock/stock.service.js';
import { stockBoard } from './board.service.js';

const DAY = 86_400_000;
const admin: Caller = { claims: { role: 'admin', sub: 'admin-1' }, actor: 'admin:admin-1' };
const MANGKANG = '6f1c2a10-0000-4000-8000-000000000017';
const MIJEN = '6f1c2a10-0000-4000-8000-000000000015';

let db: InventoryDb;
beforeAll(async () => {
  db = await inventoryDb('invboard');
});
afterAll(async () => {
  await db?.close();
});

describe('demo stock seed', () => {
  test('goes through the ledger, reconciles, and running it again changes nothing', async () => {
    await seedDemoStock(db.orm, db.config);
    const count = async () => Number((await db.em().execute<{ n: string }[]>(`select count(*) as n from stock_ledger_entry`))[0]!.n);
    const first = await count();
    expect(first).toBeGreaterThan(100);
    await seedDemoStock(db.orm, db.config);
    expect(await count()).toBe(first);
    expect(await reconcile(db.em())).toEqual([]);
    const reasons = await db.em().execute<{ reason: string }[]>(`select distinct reason from stock_ledger_entry order by reason`);
    expect(reasons.map((r) => r.reason)).toEqual(['ADMINISTERED', 'RECEIPT', 'TRANSFER_IN', 'TRANSFER_OUT']);
    const board = await stockBoard(db.em(), db.config, {});
    expect(board.city.find((t) => t.productCode === 'INDOVAC')!.usableDoses).toBeGreaterThan(0);
    expect(board.facilities.find((f) => f.code === 'PKM-GENUK')!.totals.find((t) => t.productCode === 'MR')).toMatchObject({
      usableDoses: 0,
      facilitiesStockedOut: 1,
    });
    expect(board.facilities.some((f) => f.code === 'PKM-MIROTO')).toBe(false);
  });
});

describe('the public stock board', () => {
  test('days of stock left at the recent daily use rate, stock-out days, and kecamatan and city totals', async () => {
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const { lot } = await receiveStock(
      db.em(),
      db.config,
      { productCode: 'TD', lotNumber: 'BOARD-TD', expiryDate: localDate(at(-200), 'Asia/Jakarta'), doses: 500 },
      admin,
      { at: at(20) },
    );
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: MANGKANG, lotId: lot.id, doses: 100 }, admin, {
      at: at(15),
    });
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: MIJEN, lotId: lot.id, doses: 30 }, admin, {
      at: at(15),
    });
    // Mangkang used 56 doses over the last 28 days: 2 per day; 44 usable left = 22 days.
    for (let d = 1; d <= 14; d++) {
      await db
        .em()
        .transactional((tx) =>
          applyChange(tx, { facilityId: MANGKANG, lot, quantity: -4, reason: 'ADMINISTERED', actor: 'test', at: at(d) }),
        );
    }
    // Mijen used its 30 doses 10 days ago and has ended every day since empty: 11 days, that day and today included.
    await db
      .em()
      .transactional((tx) => applyChange(tx, { facilityId: MIJEN, lot, quantity: -30, reason: 'ADMINISTERED', actor: 'test', at: at(10) }));
    const board = await stockBoard(db.em(), db.config, { productCode: 'TD' }, now);
    expect(board.useRateDays).toBe(28);
    const mangkang = board.facilities.find((f) => f.facilityId === MANGKANG)!;
    expect(mangkang.kecamatanCode).toBe('33.74.16');
    expect(mangkang.totals).toEqual([
      expect.objectContaining({
        productCode: 'TD',
        usableDoses: 44,
        onHandDoses: 44,
        administeredDoses: 56,
        dailyUseRate: 2,
        daysOfStockLeft: 22,
        stockOutDays: 0,
      }),
    ]);
    const mijen = board.facilities.find((f) => f.facilityId === MIJEN)!.totals[0]!;
    expect(mijen).toMatchObject({ usableDoses: 0, stockOutDays: 11, daysOfStockLeft: 0, facilitiesStockedOut: 1 });
    expect(board.kecamatan.map((k) => [k.kecamatanCode, k.kecamatanName, k.totals[0]!.usableDoses])).toEqual([
      ['33.74.14', 'Mijen', 0],
      ['33.74.16', 'Tugu', 44],
    ]);
    const city = board.city[0]!;
    expect(city).toMatchObject({
      productCode: 'TD',
      usableDoses: 370 + 44,
      administeredDoses: 86,
      stockOutDays: 11,
      facilitiesStockedOut: 1,
    });
    const byKec = await stockBoard(db.em(), db.config, { productCode: 'TD', kecamatanCode: '33.74.16' }, now);
    expect(byKec.facilities.map((f) => f.facilityId)).toEqual([MANGKANG]);
  });

  test('expiringLots lists held doses of lots expiring within N days', async () => {
    const soon = localDate(new Date(Date.now() + 10 * DAY), 'Asia/Jakarta');
    await receiveStock(db.em(), db.config, { productCode: 'DT', lotNumber: 'EXP-SOON', expiryDate: soon, doses: 40 }, admin);
    const within30 = await expiringLots(db.em(), db.config, { withinDays: 30, productCode: 'DT' });
    expect(within30).toEqual([expect.objectContaining({ facilityId: CITY_STORE, doses: 40 })]);
    expect(within30[0]!.daysToExpiry).toBeGreaterThanOrEqual(9);
    expect(within30[0]!.lot.lotNumber).toBe('EXP-SOON');
    expect(await expiringLots(db.em(), db.config, { withinDays: 5, productCode: 'DT' })).toEqual([]);
    expect((await findLotByNumber(db.em(), 'DT', 'EXP-SOON'))!.expiryDate).toBe(soon);
  });
});

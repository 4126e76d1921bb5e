import type { Caller } from '../../context.js';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BANDARHARJO,
  BUGANGAN,
  CITY_STORE,
  inventoryDb,
  MIROTO,
  outboxEvents,
  reconcile,
  type InventoryDb,
} from '../../testing/inventory-db.js';
import { localDate } from '../ledger/ledger.store.js';
import { fefoSuggestion } from '../lot/lot.service.js';
import { adjustStock, receiveStock, recallLot, recordPhysicalCount, setVvmStage, transferStock } from './stock.service.js';
import { sessionsConsumer } from '../../events/consumers.js';
import { SessionOpened } from '@victori/shared';

const DAY = 86_400_000;
const inDays = (n: number) => localDate(new Date(Date.now() + n * DAY), 'Asia/Jakarta');
const admin: Caller = { claims: { role: 'admin', sub: 'admin-1' }, actor: 'admin:admin-1' };

let db: InventoryDb;
beforeAll(async () => {
  db = await inventoryDb('invstock');
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  expect(await reconcile(db.em())).toEqual([]);
});

async function receive(lotNumber: string, doses: number, productCode = 'INDOVAC', expiryDays = 200) {
  return receiveStock(db.em(), db.config, { productCode, lotNumber, expiryDate: inDays(expiryDays), doses }, admin);
}
async function balance(em: EntityManager, facilityId: string, lotId: string): Promise<number> {
  const [row] = await em.execute<{ balance: number }[]>(`select balance from stock_holding where facility_id = ? and lot_id = ?`, [
    facilityId,
    lotId,
  ]);
  return row?.balance ?? 0;
}
async function entries(lotId: string) {
  return db
    .em()
    .execute<{ facility_id: string; reason: string; quantity: number; balance_after: number; actor: string }[]>(
      `select facility_id, reason, quantity, balance_after, actor from stock_ledger_entry where lot_id = ? order by id`,
      [lotId],
    );
}

describe('receiving into the city store', () => {
  test('creates the lot, a RECEIPT entry with actor and time, and publishes stock.changed and the booking cap', async () => {
    const { lot, entries: written } = await receive('RCV-1', 500);
    expect(lot).toMatchObject({ productCode: 'INDOVAC', lotNumber: 'RCV-1', manufacturer: 'Bio Farma', recalledAt: null });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ facilityId: CITY_STORE, reason: 'RECEIPT', quantity: 500, balanceAfter: 500, actor: admin.actor });
    expect(await balance(db.em(), CITY_STORE, lot.id)).toBe(500);
    const changed = await outboxEvents(db.em(), 'stock.changed');
    expect(changed.at(-1)).toMatchObject({
      facilityId: CITY_STORE,
      productCode: 'INDOVAC',
      lotNumber: 'RCV-1',
      reason: 'RECEIPT',
      quantity: 500,
      balanceAfter: 500,
    });
    const usable = await outboxEvents(db.em(), 'stock.usable-changed');
    expect(usable.at(-1)).toMatchObject({ facilityId: CITY_STORE, productCode: 'INDOVAC', usableDoses: 500 });
  });

  test('a second delivery of the same lot adds to it; a different expiry for a known lot is a conflict', async () => {
    const first = await receive('RCV-2', 100);
    await receive('RCV-2', 50);
    expect(await balance(db.em(), CITY_STORE, first.lot.id)).toBe(150);
    await expect(receive('RCV-2', 10, 'INDOVAC', 300)).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'expiryDate' } });
  });

  test.each([
    ['zero doses', { doses: 0 }, 'doses'],
    ['negative doses', { doses: -5 }, 'doses'],
    ['fractional doses', { doses: 1.5 }, 'doses'],
    ['an expired lot', { expiryDate: '2020-01-01' }, 'expiryDate'],
    ['a bad lot number', { lotNumber: 'lot; drop table' }, 'lotNumber'],
    ['a VVM stage for a product without VVM', { vvmStage: 2 }, 'vvmStage'],
  ])('refuses %s', async (_label, over, field) => {
    const input = { productCode: 'INDOVAC', lotNumber: 'RCV-BAD', expiryDate: inDays(100), doses: 10, ...over };
    await expect(receiveStock(db.em(), db.config, input, admin)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
  });

  test('an unknown product is NOT_FOUND', async () => {
    await expect(
      receiveStock(db.em(), db.config, { productCode: 'NOPE', lotNumber: 'X1', expiryDate: inDays(10), doses: 1 }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'productCode' },
    });
  });
});

describe('transfers', () => {
  test('moves doses in one transaction: TRANSFER_OUT and TRANSFER_IN share a transfer id', async () => {
    const { lot } = await receive('TRF-1', 300, 'ASTRAZENECA');
    const result = await transferStock(
      db.em(),
      db.config,
      { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: lot.id, doses: 120 },
      admin,
    );
    expect(result.entries.map((e) => [e.facilityId, e.reason, e.quantity, e.balanceAfter])).toEqual([
      [CITY_STORE, 'TRANSFER_OUT', -120, 180],
      [MIROTO, 'TRANSFER_IN', 120, 120],
    ]);
    expect(result.entries[0]!.transferId).toBe(result.entries[1]!.transferId);
    expect(result.entries[0]!.counterpartFacilityId).toBe(MIROTO);
    const usable = (await outboxEvents(db.em(), 'stock.usable-changed')).slice(-2);
    expect(usable).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ facilityId: CITY_STORE, productCode: 'ASTRAZENECA', usableDoses: 180 }),
        expect.objectContaining({ facilityId: MIROTO, productCode: 'ASTRAZENECA', usableDoses: 120 }),
      ]),
    );
  });

  test('more than the balance is INSUFFICIENT_STOCK and neither side changes', async () => {
    const { lot } = await receive('TRF-2', 50);
    const before = (await entries(lot.id)).length;
    await expect(
      transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: lot.id, doses: 51 }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'INSUFFICIENT_STOCK', available: 50 },
    });
    expect(await balance(db.em(), CITY_STORE, lot.id)).toBe(50);
    expect(await balance(db.em(), MIROTO, lot.id)).toBe(0);
    expect(await entries(lot.id)).toHaveLength(before);
  });

  test('to an unknown facility is NOT_FOUND; to itself is BAD_USER_INPUT', async () => {
    const { lot } = await receive('TRF-3', 10);
    await expect(
      transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: randomUUID(), lotId: lot.id, doses: 1 }, admin),
    ).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'toFacilityId' } });
    await expect(
      transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: 'not-a-uuid', lotId: lot.id, doses: 1 }, admin),
    ).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(
      transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: CITY_STORE, lotId: lot.id, doses: 1 }, admin),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('concurrent transfers in both directions neither deadlock nor overdraw', async () => {
    const { lot } = await receive('TRF-4', 200);
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: BANDARHARJO, lotId: lot.id, doses: 100 }, admin);
    const moves = Array.from({ length: 60 }, (_, i) =>
      transferStock(
        db.em(),
        db.config,
        i % 2
          ? { fromFacilityId: CITY_STORE, toFacilityId: BANDARHARJO, lotId: lot.id, doses: 7 }
          : { fromFacilityId: BANDARHARJO, toFacilityId: CITY_STORE, lotId: lot.id, doses: 7 },
        admin,
      ).then(
        () => 'ok',
        (e: { extensions?: { code?: string } }) => e.extensions?.code ?? String(e),
      ),
    );
    const outcomes = await Promise.all(moves);
    expect(outcomes.every((o) => o === 'ok' || o === 'INSUFFICIENT_STOCK')).toBe(true);
    expect((await balance(db.em(), CITY_STORE, lot.id)) + (await balance(db.em(), BANDARHARJO, lot.id))).toBe(200);
  });
});

describe('adjustments and physical counts', () => {
  test('an adjustment takes doses out with its reason and never below zero', async () => {
    const { lot } = await receive('ADJ-1', 20);
    const res = await adjustStock(
      db.em(),
      db.config,
      { facilityId: CITY_STORE, lotId: lot.id, reason: 'DAMAGED', doses: 3, note: 'vial pecah' },
      admin,
    );
    expect(res.entries[0]).toMatchObject({ reason: 'DAMAGED', quantity: -3, balanceAfter: 17, note: 'vial pecah' });
    await adjustStock(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, reason: 'COLD_CHAIN_FAILURE', doses: 7 }, admin);
    await expect(
      adjustStock(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, reason: 'DAMAGED', doses: 11 }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'INSUFFICIENT_STOCK', available: 10 },
    });
    await expect(
      adjustStock(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, reason: 'RECEIPT' as 'DAMAGED', doses: 1 }, admin),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'reason' } });
    expect(await balance(db.em(), CITY_STORE, lot.id)).toBe(10);
  });

  test('a physical count writes the difference (also zero, so the count is on record)', async () => {
    const { lot } = await receive('CNT-1', 40);
    const less = await recordPhysicalCount(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, countedDoses: 37 }, admin);
    expect(less.entries[0]).toMatchObject({ reason: 'PHYSICAL_COUNT', quantity: -3, balanceAfter: 37 });
    const same = await recordPhysicalCount(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, countedDoses: 37 }, admin);
    expect(same.entries[0]).toMatchObject({ reason: 'PHYSICAL_COUNT', quantity: 0, balanceAfter: 37 });
    const more = await recordPhysicalCount(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, countedDoses: 45 }, admin);
    expect(more.entries[0]).toMatchObject({ quantity: 8, balanceAfter: 45 });
    await expect(
      recordPhysicalCount(db.em(), db.config, { facilityId: CITY_STORE, lotId: lot.id, countedDoses: -1 }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  test('the ledger is append-only: updating or deleting an entry is refused by the database', async () => {
    const { lot } = await receive('AO-1', 5);
    await expect(db.em().execute(`update stock_ledger_entry set quantity = 500 where lot_id = ?`, [lot.id])).rejects.toThrow(/append-only/);
    await expect(db.em().execute(`delete from stock_ledger_entry where lot_id = ?`, [lot.id])).rejects.toThrow(/append-only/);
    await expect(db.em().execute(`update stock_holding set balance = -1 where lot_id = ?`, [lot.id])).rejects.toThrow(/check/i);
  });
});

describe('VVM and usable doses', () => {
  test('a VVM stage 3 makes the holding unusable: the booking cap drops, transfers are refused', async () => {
    const { lot } = await receive('VVM-1', 60, 'PENTABIO');
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: BUGANGAN, lotId: lot.id, doses: 30 }, admin);
    await setVvmStage(db.em(), db.config, { facilityId: BUGANGAN, lotId: lot.id, vvmStage: 3 }, admin);
    const usable = await outboxEvents(db.em(), 'stock.usable-changed');
    expect(usable.at(-1)).toMatchObject({ facilityId: BUGANGAN, productCode: 'PENTABIO', usableDoses: 0 });
    await expect(
      transferStock(db.em(), db.config, { fromFacilityId: BUGANGAN, toFacilityId: MIROTO, lotId: lot.id, doses: 1 }, admin),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(setVvmStage(db.em(), db.config, { facilityId: BUGANGAN, lotId: lot.id, vvmStage: 5 }, admin)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('recall', () => {
  test('a recalled lot leaves stock everywhere with reason RECALL; affected facilities and open sessions are reported', async () => {
    const { lot } = await receive('RCL-1', 100, 'CORONAVAC');
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: lot.id, doses: 40 }, admin);
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: BANDARHARJO, lotId: lot.id, doses: 25 }, admin);
    // A second, unaffected lot of the same product stays usable at Miroto.
    const other = await receive('RCL-OK', 10, 'CORONAVAC');
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: other.lot.id, doses: 10 }, admin);
    const sessionId = randomUUID();
    await db.em().transactional(async (tx) => {
      const handler = sessionsConsumer.handlers.find((h) => h.contract === SessionOpened)!;
      const session = {
        sessionId,
        facilityId: MIROTO,
        date: inDays(2),
        startTime: '08:00',
        endTime: '12:00',
        programme: 'COVID19',
        productCode: 'CORONAVAC',
        doseKinds: ['BOOSTER_1'],
        capacity: 80,
        status: 'OPEN',
      };
      await handler.handle(tx, {
        id: randomUUID(),
        position: 1,
        type: 'session.opened',
        version: 1,
        occurredAt: new Date().toISOString(),
        producer: 'booking',
        aggregateId: sessionId,
        payload: session,
      });
      const past = { ...session, sessionId: randomUUID(), date: inDays(-3) };
      await handler.handle(tx, {
        id: randomUUID(),
        position: 2,
        type: 'session.opened',
        version: 1,
        occurredAt: new Date().toISOString(),
        producer: 'booking',
        aggregateId: past.sessionId,
        payload: past,
      });
    });
    const report = await recallLot(db.em(), db.config, { lotId: lot.id, reason: 'BPOM recall notice' }, admin);
    expect(report.totalDosesRemoved).toBe(100);
    expect(report.lot.recalledAt).not.toBeNull();
    expect(report.facilities.map((f) => [f.code, f.dosesRemoved, f.usableDosesAfter]).sort()).toEqual([
      ['GF-CITY', 35, 0],
      ['PKM-BANDARHARJO', 25, 0],
      ['PKM-MIROTO', 40, 10],
    ]);
    expect(report.sessions).toEqual([expect.objectContaining({ sessionId, facilityId: MIROTO, capacity: 80, usableDosesAfter: 10 })]);
    const recall = (await entries(lot.id)).filter((e) => e.reason === 'RECALL');
    expect(recall.map((e) => e.quantity).sort()).toEqual([-25, -35, -40]);
    expect(recall.every((e) => e.balance_after === 0 && e.actor === admin.actor)).toBe(true);
    await expect(recallLot(db.em(), db.config, { lotId: lot.id, reason: 'again' }, admin)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await expect(
      receiveStock(db.em(), db.config, { productCode: 'CORONAVAC', lotNumber: 'RCL-1', expiryDate: lot.expiryDate, doses: 5 }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    const usable = await outboxEvents(db.em(), 'stock.usable-changed');
    expect(usable.slice(-3)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ facilityId: MIROTO, productCode: 'CORONAVAC', usableDoses: 10 }),
        expect.objectContaining({ facilityId: BANDARHARJO, productCode: 'CORONAVAC', usableDoses: 0 }),
      ]),
    );
  });
});

describe('first-expiry-first-out', () => {
  test('suggests the earliest-expiring usable lots first and reports a shortfall', async () => {
    const late = await receive('FEFO-LATE', 50, 'MR', 300);
    const early = await receive('FEFO-EARLY', 20, 'MR', 40);
    const mid = await receive('FEFO-MID', 30, 'MR', 120);
    await setVvmStage(db.em(), db.config, { facilityId: CITY_STORE, lotId: mid.lot.id, vvmStage: 3 }, admin);
    const s = await fefoSuggestion(db.em(), db.config, { facilityId: CITY_STORE, productCode: 'MR', doses: 45 }, admin);
    expect(s.picks.map((p) => [p.lot.lotNumber, p.takeDoses])).toEqual([
      ['FEFO-EARLY', 20],
      ['FEFO-LATE', 25],
    ]);
    expect(s.availableDoses).toBe(70);
    const all = await fefoSuggestion(db.em(), db.config, { facilityId: CITY_STORE, productCode: 'MR', doses: 100 }, admin);
    expect(all.shortfall).toBe(30);
    expect([late.lot.id, early.lot.id]).toContain(all.picks[0]!.lot.id);
  });
});

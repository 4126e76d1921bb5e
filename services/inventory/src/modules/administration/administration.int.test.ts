import type { Caller } from '../../context.js';
import { randomUUID } from 'node:crypto';
import { DoseCorrected, DoseRecorded, type DoseRecordPayload } from '@victori/shared';
import { administrationsConsumer } from '../../events/consumers.js';
import {
  BANDARHARJO,
  CITY_STORE,
  dosePayload,
  inventoryDb,
  MIROTO,
  outboxEvents,
  reconcile,
  type InventoryDb,
} from '../../testing/inventory-db.js';
import { localDate } from '../ledger/ledger.store.js';
import { runStockMaintenance } from '../stock/stock.maintenance.js';
import { openVial, receiveStock, recallLot, transferStock } from '../stock/stock.service.js';
import { applyCorrection, recordAdministration } from './administration.service.js';
import { listReconciliations } from './administration.store.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const inDays = (n: number) => localDate(new Date(Date.now() + n * DAY), 'Asia/Jakarta');
const admin: Caller = { claims: { role: 'admin', sub: 'admin-1' }, actor: 'admin:admin-1' };

let db: InventoryDb;
beforeAll(async () => {
  db = await inventoryDb('invadmin', 40);
});
afterAll(async () => {
  await db?.close();
});
afterEach(async () => {
  expect(await reconcile(db.em())).toEqual([]);
});

/** A lot with `doses` at `facilityId` (received into the city store and transferred). */
async function stockAt(facilityId: string, productCode: string, lotNumber: string, doses: number, expiryDays = 200) {
  const { lot } = await receiveStock(db.em(), db.config, { productCode, lotNumber, expiryDate: inDays(expiryDays), doses }, admin);
  if (facilityId !== CITY_STORE)
    await transferStock(db.em(), db.config, { fromFacilityId: CITY_STORE, toFacilityId: facilityId, lotId: lot.id, doses }, admin);
  return lot;
}

const administer = (dose: DoseRecordPayload) => db.em().transactional((tx) => recordAdministration(tx, db.config, dose));

/** Delivers an event through the consumer's handler the way the consumer framework calls it (inside a transaction). */
async function deliver<T>(contract: { type: string; version: number }, payload: T) {
  const binding = administrationsConsumer(db.config).handlers.find((h) => h.contract.type === contract.type)!;
  await db.em().transactional((tx) =>
    binding.handle(tx, {
      id: randomUUID(),
      position: 1,
      type: contract.type,
      version: contract.version,
      occurredAt: new Date().toISOString(),
      producer: 'immunization',
      aggregateId: randomUUID(),
      payload,
    }),
  );
}

async function balanceOf(facilityId: string, lotId: string): Promise<number> {
  const [row] = await db
    .em()
    .execute<{ balance: number }[]>(`select balance from stock_holding where facility_id = ? and lot_id = ?`, [facilityId, lotId]);
  return row?.balance ?? 0;
}

describe('administered doses leave stock', () => {
  test('dose.recorded takes one dose from the named lot at that facility, keyed by the dose record', async () => {
    const lot = await stockAt(MIROTO, 'INDOVAC', 'ADM-1', 10);
    const dose = dosePayload({ facilityId: MIROTO, productCode: 'INDOVAC', lotNumber: 'ADM-1' });
    await deliver(DoseRecorded, dose);
    expect(await balanceOf(MIROTO, lot.id)).toBe(9);
    const [entry] = await db
      .em()
      .execute<Record<string, unknown>[]>(`select * from stock_ledger_entry where dose_record_id = ?`, [dose.doseRecordId]);
    expect(entry).toMatchObject({
      reason: 'ADMINISTERED',
      quantity: -1,
      balance_after: 9,
      facility_id: MIROTO,
      actor: 'immunization:dose.recorded',
    });
    expect(new Date(entry!.at as string).toISOString()).toBe(dose.administeredAt);
    expect((await outboxEvents(db.em(), 'stock.usable-changed')).at(-1)).toMatchObject({
      facilityId: MIROTO,
      productCode: 'INDOVAC',
      usableDoses: 9,
    });
  });

  test('the same dose delivered twice (a new event id each time, even concurrently) is taken once', async () => {
    const lot = await stockAt(MIROTO, 'INDOVAC', 'ADM-2', 10);
    const dose = dosePayload({ facilityId: MIROTO, productCode: 'INDOVAC', lotNumber: 'ADM-2' });
    await Promise.all([deliver(DoseRecorded, dose), deliver(DoseRecorded, dose), deliver(DoseRecorded, dose)]);
    await deliver(DoseRecorded, dose);
    expect(await balanceOf(MIROTO, lot.id)).toBe(9);
    const rows = await db.em().execute(`select 1 from stock_ledger_entry where dose_record_id = ?`, [dose.doseRecordId]);
    expect(rows).toHaveLength(1);
  });

  test.each([
    ['a lot nobody has', { lotNumber: 'NO-SUCH-LOT' }, 'UNKNOWN_LOT'],
    ['a lot the facility does not hold', { facilityId: BANDARHARJO }, 'NOT_HELD'],
  ])('a dose from %s is flagged for reconciliation, not lost', async (_label, over, reason) => {
    await stockAt(MIROTO, 'INDOVAC', `ADM-FLAG-${reason}`, 3);
    const dose = dosePayload({ facilityId: MIROTO, productCode: 'INDOVAC', lotNumber: `ADM-FLAG-${reason}`, ...over });
    expect(await administer(dose)).toEqual({ status: 'FLAGGED', reason });
    const flagged = await listReconciliations(db.em(), { facilityId: dose.facilityId, includeResolved: false, limit: 100 });
    expect(flagged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ doseRecordId: dose.doseRecordId, reason, status: 'FLAGGED', lotNumber: dose.lotNumber }),
      ]),
    );
    expect(await administer(dose)).toEqual({ status: 'ALREADY_APPLIED' });
  });

  test('a dose from an empty holding is flagged INSUFFICIENT_BALANCE; from a recalled lot LOT_RECALLED', async () => {
    const lot = await stockAt(MIROTO, 'SINOPHARM', 'ADM-EMPTY', 1);
    expect((await administer(dosePayload({ facilityId: MIROTO, productCode: 'SINOPHARM', lotNumber: 'ADM-EMPTY' }))).status).toBe('TAKEN');
    expect(await administer(dosePayload({ facilityId: MIROTO, productCode: 'SINOPHARM', lotNumber: 'ADM-EMPTY' }))).toEqual({
      status: 'FLAGGED',
      reason: 'INSUFFICIENT_BALANCE',
    });
    expect(await balanceOf(MIROTO, lot.id)).toBe(0);
    const recalled = await stockAt(MIROTO, 'SINOPHARM', 'ADM-RECALLED', 5);
    await recallLot(db.em(), db.config, { lotId: recalled.id, reason: 'test' }, admin);
    expect(await administer(dosePayload({ facilityId: MIROTO, productCode: 'SINOPHARM', lotNumber: 'ADM-RECALLED' }))).toEqual({
      status: 'FLAGGED',
      reason: 'LOT_RECALLED',
    });
  });

  test('200 concurrent administrations against a lot of 100 doses: exactly 100 succeed, balance 0, no entry lost or doubled', async () => {
    const lot = await stockAt(BANDARHARJO, 'INAVAC', 'CONC-100', 100);
    const doses = Array.from({ length: 200 }, () => dosePayload({ facilityId: BANDARHARJO, productCode: 'INAVAC', lotNumber: 'CONC-100' }));
    // Every dose is delivered twice, all at once: 400 concurrent transactions.
    const outcomes = await Promise.all([...doses, ...doses].map((d) => administer(d)));
    expect(outcomes.filter((o) => o.status === 'TAKEN')).toHaveLength(100);
    expect(outcomes.filter((o) => o.status === 'FLAGGED')).toHaveLength(100);
    expect(outcomes.filter((o) => o.status === 'ALREADY_APPLIED')).toHaveLength(200);
    expect(await balanceOf(BANDARHARJO, lot.id)).toBe(0);
    const entries = await db
      .em()
      .execute<{ dose_record_id: string; balance_after: number }[]>(
        `select dose_record_id, balance_after from stock_ledger_entry where lot_id = ? and facility_id = ? and reason = 'ADMINISTERED' order by id`,
        [lot.id, BANDARHARJO],
      );
    expect(entries).toHaveLength(100);
    expect(new Set(entries.map((e) => e.dose_record_id)).size).toBe(100);
    expect(entries.map((e) => e.balance_after)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
    const flagged = await db
      .em()
      .execute<{ n: string }[]>(
        `select count(*) as n from dose_administration where lot_number = 'CONC-100' and status = 'FLAGGED' and flag_reason = 'INSUFFICIENT_BALANCE'`,
      );
    expect(Number(flagged[0]!.n)).toBe(100);
    const taken = new Set(entries.map((e) => e.dose_record_id));
    const flaggedIds = await db
      .em()
      .execute<{ dose_record_id: string }[]>(
        `select dose_record_id from dose_administration where lot_number = 'CONC-100' and status = 'FLAGGED'`,
      );
    expect(flaggedIds.every((f) => !taken.has(f.dose_record_id))).toBe(true);
    const lastCap = (await outboxEvents(db.em(), 'stock.usable-changed'))
      .filter((e) => e.facilityId === BANDARHARJO && e.productCode === 'INAVAC')
      .at(-1);
    expect(lastCap).toMatchObject({ usableDoses: 0 });
  });
});

describe('corrections', () => {
  test('a correction to another lot returns the dose to the first lot and takes it from the second', async () => {
    const a = await stockAt(MIROTO, 'CORONAVAC', 'COR-A', 10);
    const b = await stockAt(MIROTO, 'CORONAVAC', 'COR-B', 10);
    const dose = dosePayload({ facilityId: MIROTO, productCode: 'CORONAVAC', lotNumber: 'COR-A' });
    await administer(dose);
    const replacement = { ...dose, doseRecordId: randomUUID(), lotNumber: 'COR-B' };
    const correction = { supersededDoseRecordId: dose.doseRecordId, superseded: dose, reason: 'wrong lot entered', record: replacement };
    await deliver(DoseCorrected, correction);
    await deliver(DoseCorrected, correction);
    expect(await balanceOf(MIROTO, a.id)).toBe(10);
    expect(await balanceOf(MIROTO, b.id)).toBe(9);
    const voided = { supersededDoseRecordId: replacement.doseRecordId, superseded: replacement, reason: 'entered twice', record: null };
    await db.em().transactional((tx) => applyCorrection(tx, db.config, voided));
    expect(await balanceOf(MIROTO, b.id)).toBe(10);
  });
});

describe('opened multi-dose vials', () => {
  test('doses left in a vial past its open-time limit are discarded with reason OPENED_VIAL_DISCARD', async () => {
    // AstraZeneca: 10 doses per vial, 6 hours once opened.
    const lot = await stockAt(MIROTO, 'ASTRAZENECA', 'VIAL-1', 30);
    const openedAt = new Date(Date.now() - 2 * HOUR);
    const vial = await openVial(
      db.em(),
      { facilityId: MIROTO, lotId: lot.id },
      { claims: { role: 'health-worker', sub: 'hw-1', facilityId: MIROTO }, actor: 'health-worker:hw-1' },
      openedAt,
    );
    expect(vial).toMatchObject({ dosesInVial: 10, dosesUsed: 0, expiresAt: new Date(openedAt.getTime() + 6 * HOUR).toISOString() });
    for (let i = 0; i < 3; i++) {
      await administer(
        dosePayload({
          facilityId: MIROTO,
          productCode: 'ASTRAZENECA',
          lotNumber: 'VIAL-1',
          administeredAt: new Date(openedAt.getTime() + (i + 1) * 10 * 60_000).toISOString(),
        }),
      );
    }
    expect(await balanceOf(MIROTO, lot.id)).toBe(27);
    // Before the limit nothing happens.
    expect(await runStockMaintenance(db.em(), db.config, new Date(openedAt.getTime() + 5 * HOUR))).toMatchObject({
      vialsClosed: 0,
      dosesDiscarded: 0,
    });
    const after = await runStockMaintenance(db.em(), db.config, new Date(openedAt.getTime() + 6 * HOUR + 1));
    expect(after).toMatchObject({ vialsClosed: 1, dosesDiscarded: 7 });
    expect(await balanceOf(MIROTO, lot.id)).toBe(20);
    const [discard] = await db
      .em()
      .execute<Record<string, unknown>[]>(`select * from stock_ledger_entry where lot_id = ? and reason = 'OPENED_VIAL_DISCARD'`, [lot.id]);
    expect(discard).toMatchObject({ quantity: -7, balance_after: 20, facility_id: MIROTO });
    // Running it again discards nothing more.
    expect(await runStockMaintenance(db.em(), db.config, new Date(openedAt.getTime() + 7 * HOUR))).toMatchObject({
      vialsClosed: 0,
      dosesDiscarded: 0,
    });
  });

  test('an administration without an open vial opens one implicitly; single-dose products never do', async () => {
    const lot = await stockAt(BANDARHARJO, 'MODERNA', 'VIAL-2', 25);
    const at = new Date(Date.now() - 10 * HOUR);
    await administer(
      dosePayload({ facilityId: BANDARHARJO, productCode: 'MODERNA', lotNumber: 'VIAL-2', administeredAt: at.toISOString() }),
    );
    const result = await runStockMaintenance(db.em(), db.config, new Date());
    expect(result.dosesDiscarded).toBeGreaterThanOrEqual(9);
    expect(await balanceOf(BANDARHARJO, lot.id)).toBe(15);
    await expect(
      openVial(db.em(), { facilityId: BANDARHARJO, lotId: (await stockAt(BANDARHARJO, 'INDOVAC', 'VIAL-SINGLE', 2)).id }, admin),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  test('lots past their expiry date are written off with reason EXPIRED and leave the booking cap', async () => {
    const lot = await stockAt(MIROTO, 'HPV', 'EXP-1', 12, 3);
    const result = await runStockMaintenance(db.em(), db.config, new Date(Date.now() + 5 * DAY));
    expect(result.dosesExpired).toBeGreaterThanOrEqual(12);
    expect(await balanceOf(MIROTO, lot.id)).toBe(0);
    const [entry] = await db
      .em()
      .execute<Record<string, unknown>[]>(`select * from stock_ledger_entry where lot_id = ? and facility_id = ? and reason = 'EXPIRED'`, [
        lot.id,
        MIROTO,
      ]);
    expect(entry).toMatchObject({ quantity: -12, balance_after: 0 });
    expect(
      (await outboxEvents(db.em(), 'stock.usable-changed')).filter((e) => e.facilityId === MIROTO && e.productCode === 'HPV').at(-1),
    ).toMatchObject({ usableDoses: 0 });
  });
});

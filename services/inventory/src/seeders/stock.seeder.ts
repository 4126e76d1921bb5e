import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsv, type Orm } from '@victori/shared';
import type { InventoryConfig } from '../config.js';
import {
  applyChange,
  findLotByNumber,
  holdingBalance,
  localDate,
  lockStock,
  publishUsable,
  sourceKeyUsed,
} from '../modules/ledger/ledger.store.js';
import type { Caller } from '../context.js';
import { receiveStock, transferStock } from '../modules/stock/stock.service.js';

const DAY = 86_400_000;
/** The demo seed acts as an admin and names itself in the ledger. */
const ACTOR: Caller = { claims: { role: 'admin', sub: 'demo-seed' }, actor: 'demo-seed' };

/** Deliveries into the city store: product, lot number, doses, months until expiry (days for a short-dated lot). */
const RECEIPTS: { product: string; lot: string; doses: number; expiresInDays: number }[] = [
  { product: 'INDOVAC', lot: 'IDV2409A', doses: 3000, expiresInDays: 270 },
  { product: 'PFIZER', lot: 'FP7731', doses: 1200, expiresInDays: 20 },
  { product: 'CORONAVAC', lot: 'CVB2408K', doses: 1000, expiresInDays: 180 },
  { product: 'PENTABIO', lot: 'PB4410C', doses: 1500, expiresInDays: 360 },
  { product: 'BOPV', lot: 'BOPV2409', doses: 2000, expiresInDays: 300 },
  { product: 'MR', lot: 'MR2411A', doses: 1000, expiresInDays: 240 },
  { product: 'BCG', lot: 'BCG2410', doses: 800, expiresInDays: 150 },
  { product: 'HB0', lot: 'HB2410U', doses: 600, expiresInDays: 270 },
  { product: 'PCV13', lot: 'PCV2409', doses: 800, expiresInDays: 330 },
  { product: 'IPV', lot: 'IPV2410', doses: 500, expiresInDays: 360 },
];

/** Distributions from the city store (facility code, product, doses) and a typical daily use. */
const TRANSFERS: { facility: string; product: string; doses: number; dailyUse: number }[] = [
  { facility: 'PKM-BANDARHARJO', product: 'INDOVAC', doses: 240, dailyUse: 9 },
  { facility: 'PKM-BANDARHARJO', product: 'PENTABIO', doses: 60, dailyUse: 2 },
  { facility: 'PKM-BANDARHARJO', product: 'BOPV', doses: 80, dailyUse: 3 },
  { facility: 'PKM-BUGANGAN', product: 'INDOVAC', doses: 200, dailyUse: 7 },
  { facility: 'PKM-BUGANGAN', product: 'MR', doses: 60, dailyUse: 2 },
  { facility: 'PKM-GAYAMSARI', product: 'CORONAVAC', doses: 150, dailyUse: 6 },
  { facility: 'PKM-GAYAMSARI', product: 'BCG', doses: 40, dailyUse: 1 },
  { facility: 'PKM-GENUK', product: 'MR', doses: 30, dailyUse: 4 },
  { facility: 'PKM-GENUK', product: 'PENTABIO', doses: 80, dailyUse: 3 },
  { facility: 'PKM-PANDANARAN', product: 'INDOVAC', doses: 300, dailyUse: 12 },
  { facility: 'PKM-PANDANARAN', product: 'PCV13', doses: 60, dailyUse: 2 },
  { facility: 'PKM-KEDUNGMUNDU', product: 'PENTABIO', doses: 100, dailyUse: 4 },
  { facility: 'PKM-KEDUNGMUNDU', product: 'BOPV', doses: 120, dailyUse: 4 },
  { facility: 'PKM-KEDUNGMUNDU', product: 'HB0', doses: 40, dailyUse: 1 },
  { facility: 'PKM-SRONDOL', product: 'INDOVAC', doses: 160, dailyUse: 8 },
  { facility: 'PKM-SRONDOL', product: 'IPV', doses: 50, dailyUse: 2 },
  { facility: 'PKM-NGALIYAN', product: 'CORONAVAC', doses: 120, dailyUse: 5 },
  { facility: 'PKM-NGALIYAN', product: 'MR', doses: 50, dailyUse: 2 },
  { facility: 'RSUD-WONGSONEGORO', product: 'PFIZER', doses: 180, dailyUse: 6 },
  { facility: 'UNDIP-TEMBALANG', product: 'INDOVAC', doses: 400, dailyUse: 15 },
];

/**
 * Demo stock for `npm start`: receipts into the city store three weeks ago, distributions to
 * puskesmas, hospitals and a university two weeks ago, then two weeks of daily administrations so
 * the board shows use rates, days of stock left and a stock-out (Genuk's MR). Every movement goes
 * through the ledger with a source key, so running it again changes nothing.
 */
export async function seedDemoStock(orm: Orm, config: InventoryConfig, now = new Date()): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  const anchor = new Date(`${localDate(new Date(now.getTime() - 21 * DAY), config.timeZone)}T08:00:00+07:00`);
  for (const r of RECEIPTS) {
    const expiry = localDate(new Date(now.getTime() + r.expiresInDays * DAY), config.timeZone);
    await receiveStock(
      em,
      config,
      { productCode: r.product, lotNumber: r.lot, expiryDate: expiry, doses: r.doses, note: 'Kiriman Dinas Kesehatan Provinsi (demo)' },
      ACTOR,
      { at: anchor, now, sourceKey: `seed:receipt:${r.product}:${r.lot}` },
    );
  }
  const facilities = new Map(readCsv('demo-facilities.csv').map((f) => [f.code!, f.id!]));
  for (const t of TRANSFERS) {
    const receipt = RECEIPTS.find((r) => r.product === t.product)!;
    const lot = (await findLotByNumber(em, t.product, receipt.lot))!;
    const facilityId = facilities.get(t.facility)!;
    await transferStock(
      em,
      config,
      { fromFacilityId: config.cityStoreFacilityId, toFacilityId: facilityId, lotId: lot.id, doses: t.doses },
      ACTOR,
      {
        at: new Date(anchor.getTime() + 7 * DAY),
        now,
        sourceKey: `seed:transfer:${t.facility}:${t.product}`,
      },
    );
    for (let day = 1; day <= 13; day++) {
      const at = new Date(anchor.getTime() + (7 + day) * DAY + 2 * 3_600_000);
      if (at > now) break;
      // Deterministic variation around the typical daily use.
      const doses = Math.max(0, t.dailyUse + ((day * 7 + t.facility.length) % 5) - 2);
      const sourceKey = `seed:administered:${t.facility}:${t.product}:${day}`;
      await em.transactional(async (tx) => {
        if (doses === 0 || (await sourceKeyUsed(tx, sourceKey))) return;
        const pair = { facilityId, productCode: t.product };
        await lockStock(tx, [pair]);
        const take = Math.min(doses, await holdingBalance(tx, facilityId, lot.id));
        if (take === 0) return;
        await applyChange(tx, {
          facilityId,
          lot,
          quantity: -take,
          reason: 'ADMINISTERED',
          actor: ACTOR.actor,
          at,
          sourceKey,
          note: 'demo history',
        });
        await publishUsable(tx, [pair], now, config.timeZone);
      });
    }
  }
}

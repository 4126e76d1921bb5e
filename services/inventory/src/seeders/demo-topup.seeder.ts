import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsv, type Orm } from '@victori/shared';
import type { InventoryConfig } from '../config.js';
import { localDate } from '../modules/ledger/ledger.store.js';
import type { Caller } from '../context.js';
import { receiveStock, transferStock } from '../modules/stock/stock.service.js';

const DAY = 86_400_000;
/** The demo seed acts as an admin and names itself in the ledger. */
const ACTOR: Caller = { claims: { role: 'admin', sub: 'demo-seed' }, actor: 'demo-seed' };
/** Each week's delivery covers two weeks of the demo sessions, so the next 14 days always have stock. */
const DAYS_COVERED = 12;

/** Monday of the local week of `date` (YYYY-MM-DD): the key of that week's delivery. */
export function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * The stock side of the living demo (`npm start` in development): once a week a fresh lot of every
 * product of data/demo-sessions.csv is received into the city store and transferred to each facility
 * that runs those sessions, through inventory's own receive and transfer operations (ledger entries,
 * usable-stock events to booking), keyed by the week so that any number of restarts adds it once.
 */
export async function topUpDemoStock(orm: Orm, config: InventoryConfig, now = new Date()): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  const week = weekOf(localDate(now, config.timeZone));
  const facilities = new Map(readCsv('demo-facilities.csv').map((f) => [f.code!, f.id!]));
  const plan = readCsv('demo-sessions.csv').map((r) => ({
    facilityId: facilities.get(r.facility!)!,
    facility: r.facility!,
    product: r.product!,
    doses: Number(r.capacity) * DAYS_COVERED,
  }));
  const expiry = localDate(new Date(now.getTime() + 365 * DAY), config.timeZone);
  for (const product of [...new Set(plan.map((p) => p.product))]) {
    const lotNumber = `DEMO-${product}-${week.replaceAll('-', '')}`;
    const transfers = plan.filter((p) => p.product === product);
    const { lot } = await receiveStock(
      em,
      config,
      {
        productCode: product,
        lotNumber,
        expiryDate: expiry,
        doses: transfers.reduce((sum, t) => sum + t.doses, 0),
        note: 'Kiriman mingguan (demo)',
      },
      ACTOR,
      { now, sourceKey: `demo:receipt:${product}:${week}` },
    );
    for (const t of transfers) {
      await transferStock(
        em,
        config,
        { fromFacilityId: config.cityStoreFacilityId, toFacilityId: t.facilityId, lotId: lot.id, doses: t.doses },
        ACTOR,
        { now, sourceKey: `demo:transfer:${t.facility}:${product}:${week}` },
      );
    }
  }
}

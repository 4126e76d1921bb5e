import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { applyChange, findLot, holdingBalance, localDate, lockStock, publishUsable } from '../ledger/ledger.store.js';
import { closeVial, expiredHoldings, lockOpenVial, openVialsPastLimit } from './stock.store.js';

export interface MaintenanceResult {
  vialsClosed: number;
  dosesDiscarded: number;
  holdingsExpired: number;
  dosesExpired: number;
}

/**
 * Opened multi-dose vials past their open-time limit: the doses left in them leave stock with reason
 * OPENED_VIAL_DISCARD (never more than the balance). One transaction per vial.
 */
export async function discardExpiredOpenVials(
  em: EntityManager,
  config: InventoryConfig,
  now: Date,
): Promise<{ vialsClosed: number; dosesDiscarded: number }> {
  const due = await openVialsPastLimit(em, now);
  let vialsClosed = 0;
  let dosesDiscarded = 0;
  for (const vial of due) {
    await em.fork().transactional(async (tx) => {
      const lot = (await findLot(tx, vial.lotId))!;
      const pair = { facilityId: vial.facilityId, productCode: lot.productCode };
      await lockStock(tx, [pair]);
      const current = await lockOpenVial(tx, vial.id);
      if (!current) return;
      const left = Math.min(current.dosesInVial - current.dosesUsed, await holdingBalance(tx, vial.facilityId, lot.id));
      let entryId: string | null = null;
      if (left > 0) {
        const entry = await applyChange(tx, {
          facilityId: vial.facilityId,
          lot,
          quantity: -left,
          reason: 'OPENED_VIAL_DISCARD',
          actor: 'inventory:open-vial-limit',
          at: new Date(current.expiresAt),
          note: `opened vial ${vial.id} passed its open-time limit`,
          sourceKey: `vial-discard:${vial.id}`,
        });
        entryId = entry.id;
        await publishUsable(tx, [pair], now, config.timeZone);
      }
      await closeVial(tx, { id: vial.id, at: now, discardedDoses: left, discardEntryId: entryId });
      vialsClosed += 1;
      dosesDiscarded += left;
    });
  }
  return { vialsClosed, dosesDiscarded };
}

/** Balances of lots past their expiry date leave stock with reason EXPIRED. */
export async function writeOffExpiredLots(
  em: EntityManager,
  config: InventoryConfig,
  now: Date,
): Promise<{ holdingsExpired: number; dosesExpired: number }> {
  const today = localDate(now, config.timeZone);
  const due = await expiredHoldings(em, today);
  let holdingsExpired = 0;
  let dosesExpired = 0;
  for (const h of due) {
    await em.fork().transactional(async (tx) => {
      const lot = (await findLot(tx, h.lotId))!;
      const pair = { facilityId: h.facilityId, productCode: lot.productCode };
      await lockStock(tx, [pair]);
      const balance = await holdingBalance(tx, h.facilityId, lot.id);
      if (balance === 0) return;
      await applyChange(tx, {
        facilityId: h.facilityId,
        lot,
        quantity: -balance,
        reason: 'EXPIRED',
        actor: 'inventory:expiry',
        at: now,
        note: `expired on ${lot.expiryDate}`,
      });
      await publishUsable(tx, [pair], now, config.timeZone);
      holdingsExpired += 1;
      dosesExpired += balance;
    });
  }
  return { holdingsExpired, dosesExpired };
}

/** Runs periodically from startBackground; tests call it with an explicit "now". */
export async function runStockMaintenance(em: EntityManager, config: InventoryConfig, now = new Date()): Promise<MaintenanceResult> {
  const vials = await discardExpiredOpenVials(em, config, now);
  const expired = await writeOffExpiredLots(em, config, now);
  return { ...vials, ...expired };
}

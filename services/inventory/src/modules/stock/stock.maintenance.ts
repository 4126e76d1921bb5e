import type { EntityManager } from '@mikro-orm/postgresql';
import type { InventoryConfig } from '../../config.js';
import { applyChange, findLot, holdingBalance, localDate, lockStock, publishUsable } from '../ledger/ledger.service.js';

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
  const due = await em.execute<{ id: string; facility_id: string; lot_id: string }[]>(
    `select id, facility_id, lot_id from opened_vial where closed_at is null and expires_at <= ? order by expires_at, id`,
    [now],
  );
  let vialsClosed = 0;
  let dosesDiscarded = 0;
  for (const vial of due) {
    await em.fork().transactional(async (tx) => {
      const lot = (await findLot(tx, vial.lot_id))!;
      const pair = { facilityId: vial.facility_id, productCode: lot.productCode };
      await lockStock(tx, [pair]);
      const [current] = await tx.execute<{ doses_in_vial: number; doses_used: number; expires_at: string }[]>(
        `select doses_in_vial, doses_used, expires_at from opened_vial where id = ? and closed_at is null for update`,
        [vial.id],
      );
      if (!current) return;
      const left = Math.min(current.doses_in_vial - current.doses_used, await holdingBalance(tx, vial.facility_id, lot.id));
      let entryId: string | null = null;
      if (left > 0) {
        const entry = await applyChange(tx, {
          facilityId: vial.facility_id,
          lot,
          quantity: -left,
          reason: 'OPENED_VIAL_DISCARD',
          actor: 'inventory:open-vial-limit',
          at: new Date(current.expires_at),
          note: `opened vial ${vial.id} passed its open-time limit`,
          sourceKey: `vial-discard:${vial.id}`,
        });
        entryId = entry.id;
        await publishUsable(tx, [pair], now, config.timeZone);
      }
      await tx.execute(`update opened_vial set closed_at = ?, discarded_doses = ?, discard_entry_id = ? where id = ?`, [
        now,
        left,
        entryId,
        vial.id,
      ]);
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
  const due = await em.execute<{ facility_id: string; lot_id: string }[]>(
    `select h.facility_id, h.lot_id from stock_holding h join lot l on l.id = h.lot_id
      where h.balance > 0 and l.expiry_date < ?::date order by h.facility_id, h.lot_id`,
    [today],
  );
  let holdingsExpired = 0;
  let dosesExpired = 0;
  for (const h of due) {
    await em.fork().transactional(async (tx) => {
      const lot = (await findLot(tx, h.lot_id))!;
      const pair = { facilityId: h.facility_id, productCode: lot.productCode };
      await lockStock(tx, [pair]);
      const balance = await holdingBalance(tx, h.facility_id, lot.id);
      if (balance === 0) return;
      await applyChange(tx, {
        facilityId: h.facility_id,
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

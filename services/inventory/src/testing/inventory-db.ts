import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { initOrm, withEvents, type DoseRecordPayload, type Orm } from '@victori/shared';
import { freshDatabase } from '@victori/shared/testing';
import { loadInventoryConfig, type InventoryConfig } from '../config.js';
import { inventoryService } from '../service.js';
import { seedCatalogue } from '../seeders/catalogue.seeder.js';
import { seedFacilityDirectory } from '../seeders/directory.seeder.js';
import { Env } from '@victori/shared';

export const CITY_STORE = '6f1c2a10-0000-4000-8000-000000000001';
export const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
export const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
export const BUGANGAN = '6f1c2a10-0000-4000-8000-000000000004';
export const PANDANARAN = '6f1c2a10-0000-4000-8000-000000000008';

export interface InventoryDb {
  orm: Orm;
  config: InventoryConfig;
  em(): EntityManager;
  close(): Promise<void>;
}

/** A fresh, migrated inventory database with the catalogue and facility directory (no demo stock). */
export async function inventoryDb(label: string, poolSize = 10): Promise<InventoryDb> {
  const db = await freshDatabase(label);
  const orm = await initOrm({
    databaseUrl: db.url,
    entities: inventoryService.entities,
    migrations: withEvents(inventoryService.migrations),
    poolSize,
  });
  await orm.migrator.up();
  await seedCatalogue(orm);
  await seedFacilityDirectory(orm);
  return {
    orm,
    config: loadInventoryConfig(new Env({})),
    em: () => orm.em.fork() as EntityManager,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}

/** A dose.recorded payload as immunization publishes it. */
export function dosePayload(
  over: Partial<DoseRecordPayload> & Pick<DoseRecordPayload, 'facilityId' | 'productCode' | 'lotNumber'>,
): DoseRecordPayload {
  return {
    doseRecordId: randomUUID(),
    personId: randomUUID(),
    nikHash: null,
    programme: 'COVID19',
    doseKind: 'BOOSTER_1',
    antigen: 'COVID19',
    doseNumber: 3,
    administeredAt: new Date().toISOString(),
    appointmentId: null,
    slipCode: null,
    valid: true,
    residenceKelurahanCode: '33.74.01.1001',
    birthDate: '1990-01-01',
    sex: 'FEMALE',
    ...over,
  };
}

/** Every balance recomputed from the ledger entries, against the maintained balances; returns the mismatches. */
export async function reconcile(em: EntityManager): Promise<unknown[]> {
  return em.execute(
    `select coalesce(h.facility_id, e.facility_id) as facility_id, coalesce(h.lot_id, e.lot_id) as lot_id, h.balance, e.total
       from stock_holding h
       full join (select facility_id, lot_id, sum(quantity) as total from stock_ledger_entry group by 1, 2) e
         on e.facility_id = h.facility_id and e.lot_id = h.lot_id
      where coalesce(h.balance, 0) <> coalesce(e.total, 0)
     union all
     -- each entry's balance_after is the running sum of the entries before it
     select facility_id, lot_id, balance_after, running from (
       select facility_id, lot_id, balance_after, sum(quantity) over (partition by facility_id, lot_id order by id) as running
         from stock_ledger_entry) x
      where balance_after <> running`,
  );
}

export async function outboxEvents(em: EntityManager, type: string): Promise<Record<string, unknown>[]> {
  const rows = await em.execute<{ payload: Record<string, unknown> }[]>(`select payload from outbox where type = ? order by id`, [type]);
  return rows.map((r) => r.payload);
}

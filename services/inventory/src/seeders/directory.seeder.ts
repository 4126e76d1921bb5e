import { kecamatanOf, readCsv, type Orm } from '@victori/shared';

/**
 * The facility directory (facility -> kelurahan -> kecamatan) the public board groups by, from
 * data/demo-facilities.csv (booking seeds the same facilities). Facilities created or changed at run
 * time arrive through booking's facility.upserted events (consumer inventory.facilities).
 */
export async function seedFacilityDirectory(orm: Orm): Promise<void> {
  const conn = orm.em.getConnection();
  for (const r of readCsv('demo-facilities.csv')) {
    const kecamatan = kecamatanOf(r.kelurahan_code!);
    if (!kecamatan) throw new Error(`facility ${r.code}: kelurahan ${r.kelurahan_code} is not in Semarang`);
    await conn.execute(
      `insert into facility_directory (facility_id, code, name, type, kelurahan_code, kecamatan_code) values (?, ?, ?, ?, ?, ?)
       on conflict (facility_id) do update set code = excluded.code, name = excluded.name, type = excluded.type,
         kelurahan_code = excluded.kelurahan_code, kecamatan_code = excluded.kecamatan_code`,
      [r.id, r.code, r.name, r.type, r.kelurahan_code, kecamatan],
    );
  }
}

import { semarangAreas, type Orm } from '@victori/shared';

/** Seeds Kota Semarang's city, 16 kecamatan and 177 kelurahan; safe to run again. */
export async function seedAreas(orm: Orm): Promise<void> {
  const rows = semarangAreas();
  const values = rows.map(() => '(?, ?, ?, ?)').join(', ');
  const params = rows.flatMap((r) => [r.code, r.level.toUpperCase(), r.name, r.level === 'city' ? null : r.parentCode]);
  await orm.em.getConnection().execute(
    `insert into area (code, level, name, parent_code) values ${values}
     on conflict (code) do update set level = excluded.level, name = excluded.name, parent_code = excluded.parent_code`,
    params,
  );
}

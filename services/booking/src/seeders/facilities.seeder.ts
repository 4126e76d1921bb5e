import { kecamatanOf, readCsv, type Orm } from '@victori/shared';

const WEEKDAY_HOURS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '07:30', closes: '14:00' }));
const SATURDAY = { weekday: 6, opens: '07:30', closes: '12:00' };

/** Demo facilities of Kota Semarang (data/demo-facilities.csv); safe to run again. */
export async function seedFacilities(orm: Orm): Promise<void> {
  const rows = readCsv('demo-facilities.csv');
  const conn = orm.em.getConnection();
  for (const r of rows) {
    const hours =
      r.type === 'HOSPITAL' || r.type === 'TNI_POLRI'
        ? [...WEEKDAY_HOURS, SATURDAY, { weekday: 7, opens: '08:00', closes: '12:00' }]
        : [...WEEKDAY_HOURS, SATURDAY];
    await conn.execute(
      `insert into facility (id, code, name, type, kelurahan_code, kecamatan_code, address, latitude, longitude, phone, opening_hours, active)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)
       on conflict (id) do nothing`,
      [
        r.id,
        r.code,
        r.name,
        r.type,
        r.kelurahan_code,
        kecamatanOf(r.kelurahan_code!),
        r.address,
        Number(r.latitude),
        Number(r.longitude),
        r.phone || null,
        JSON.stringify(hours),
      ],
    );
  }
}

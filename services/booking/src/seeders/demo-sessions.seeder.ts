import type { EntityManager } from '@mikro-orm/postgresql';
import { readCsv, type Claims, type Orm } from '@victori/shared';
import type { BookingConfig } from '../config.js';
import { createSession } from '../modules/session/session.service.js';
import { addDays, localNow } from '../time.js';

/** How far ahead the demo keeps sessions (today included). */
export const DEMO_DAYS = 14;
const DEMO_ADMIN: Claims = { role: 'admin', sub: 'demo-seed' };

/**
 * The sessions of the living demo (`npm start` in development): every session of data/demo-sessions.csv
 * on each day from today to 13 days ahead, Monday to Saturday, created through createSession (slots,
 * the stock-commitment row and SessionOpened, as an admin would). A session that exists for that
 * facility, product, date and start time (open or closed by someone) is left alone, so a restart days
 * later only adds the days that came into range.
 */
export async function topUpDemoSessions(orm: Orm, config: BookingConfig, now = new Date()): Promise<number> {
  const em = orm.em.fork() as EntityManager;
  const today = localNow(now).date;
  const facilities = new Map(readCsv('demo-facilities.csv').map((f) => [f.code!, f.id!]));
  const plan = readCsv('demo-sessions.csv');
  const existing = new Set(
    (
      await em.execute<{ k: string }[]>(
        `select facility_id || '|' || product_code || '|' || to_char(date, 'YYYY-MM-DD') || '|' || start_time as k
           from session where date >= ?::date and date < ?::date`,
        [today, addDays(today, DEMO_DAYS)],
      )
    ).map((r) => r.k),
  );
  let created = 0;
  for (let day = 0; day < DEMO_DAYS; day++) {
    const date = addDays(today, day);
    if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0) continue; // puskesmas are closed on Sundays
    for (const s of plan) {
      const facilityId = facilities.get(s.facility!)!;
      if (existing.has(`${facilityId}|${s.product}|${date}|${s.start_time}`)) continue;
      await createSession(
        em,
        DEMO_ADMIN,
        {
          facilityId,
          date,
          startTime: s.start_time!,
          endTime: s.end_time!,
          productCode: s.product!,
          doseKinds: s.dose_kinds!.split(';'),
          capacity: Number(s.capacity),
        },
        config,
      );
      created++;
    }
  }
  return created;
}

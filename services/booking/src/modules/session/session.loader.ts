import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '@victori/shared';
import { isUuid } from '../facility/facility.loader.js';
import { SESSION_SELECT, type SessionRow, type SlotRow } from './session.rows.js';

/** Sessions by id, one statement per batch; a malformed id resolves to null. */
export function createSessionLoader(em: EntityManager): DataLoader<string, SessionRow | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await em.execute<SessionRow[]>(`${SESSION_SELECT} where s.id = any(?::uuid[])`, [pgArray(valid)]) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The slots of many sessions in one statement, in time order. */
export function createSlotsBySessionLoader(em: EntityManager): DataLoader<string, SlotRow[]> {
  return new DataLoader(async (sessionIds) => {
    const rows = await em.execute<SlotRow[]>(
      `select id, session_id, start_time, end_time, capacity, booked from slot where session_id = any(?::uuid[]) order by start_time, id`,
      [pgArray([...sessionIds])],
    );
    const bySession = new Map<string, SlotRow[]>();
    for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r]);
    return sessionIds.map((id) => bySession.get(id) ?? []);
  });
}

/** Slots by id (appointments show theirs). */
export function createSlotLoader(em: EntityManager): DataLoader<string, SlotRow | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await em.execute<SlotRow[]>(`select id, session_id, start_time, end_time, capacity, booked from slot where id = any(?::uuid[])`, [
          pgArray(valid),
        ])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SessionRow, SlotRow } from './session.rows.js';
import { sessionsByIds, slotsByIds, slotsOfSessions } from './session.store.js';

/** Sessions by id, one statement per batch; a malformed id resolves to null. */
export function createSessionLoader(em: EntityManager): DataLoader<string, SessionRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await sessionsByIds(em, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The slots of many sessions in one statement, in time order. */
export function createSlotsBySessionLoader(em: EntityManager): DataLoader<string, SlotRow[]> {
  return new DataLoader(async (sessionIds) => {
    const rows = await slotsOfSessions(em, sessionIds);
    const bySession = new Map<string, SlotRow[]>();
    for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r]);
    return sessionIds.map((id) => bySession.get(id) ?? []);
  });
}

/** Slots by id (appointments show theirs). */
export function createSlotLoader(em: EntityManager): DataLoader<string, SlotRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await slotsByIds(em, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { FeedbackRecordEntity } from './record.entity.js';

/** A record as the rest of the service sees it (no ORM entity, no column names). */
export interface RecordRow {
  id: string;
  facilityId: string;
  title: string;
  createdBy: string;
  createdAt: Date;
}

const toRow = (e: FeedbackRecordEntity): RecordRow => ({
  id: e.id,
  facilityId: e.facilityId,
  title: e.title,
  createdBy: e.createdBy,
  createdAt: e.createdAt,
});

/** The records with these ids (any order). */
export async function findRecords(em: EntityManager, args: { ids: readonly string[] }): Promise<RecordRow[]> {
  if (args.ids.length === 0) return [];
  const rows = await em.find(FeedbackRecordEntity, { id: { $in: [...args.ids] } });
  return rows.map(toRow);
}

/** The newest records of each of these facilities, at most `limitEach` per facility, newest first. */
export async function recordsOfFacilities(
  em: EntityManager,
  args: { facilityIds: readonly string[]; limitEach: number },
): Promise<RecordRow[]> {
  if (args.facilityIds.length === 0) return [];
  const rows = await em.find(
    FeedbackRecordEntity,
    { facilityId: { $in: [...args.facilityIds] } },
    { orderBy: { createdAt: 'desc', id: 'asc' } },
  );
  const seen = new Map<string, number>();
  return rows
    .filter((r) => {
      const n = (seen.get(r.facilityId) ?? 0) + 1;
      seen.set(r.facilityId, n);
      return n <= args.limitEach;
    })
    .map(toRow);
}

/** Inserts one record with the caller's transaction handle. */
export async function insertRecord(tx: EntityManager, row: RecordRow): Promise<RecordRow> {
  const entity = tx.create(FeedbackRecordEntity, { ...row });
  await tx.persist(entity).flush();
  return toRow(entity);
}

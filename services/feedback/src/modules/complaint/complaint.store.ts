import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ComplaintEntity, ComplaintEventEntity, type ComplaintStatus } from './complaint.entity.js';

/** A complaint as the service sees it (plain object; no ORM entity escapes the store). */
export type ComplaintRow = Omit<ComplaintEntity, never>;
export type ComplaintEventRow = Omit<ComplaintEventEntity, never>;

const OPEN: ComplaintStatus[] = ['SUBMITTED', 'ASSIGNED', 'IN_PROGRESS'];
const plain = <T extends object>(e: T): T => ({ ...e });

export async function insertComplaint(tx: EntityManager, row: ComplaintRow, first: ComplaintEventRow): Promise<void> {
  tx.create(ComplaintEntity, row);
  tx.create(ComplaintEventEntity, first);
  await tx.flush();
}

export async function findComplaints(em: EntityManager, args: { ids: readonly string[] }): Promise<ComplaintRow[]> {
  if (args.ids.length === 0) return [];
  return (await em.find(ComplaintEntity, { id: { $in: [...args.ids] } })).map(plain);
}

/** The complaint locked for this transaction (FOR UPDATE): its state is decided once. */
export async function lockComplaint(tx: EntityManager, args: { id: string }): Promise<ComplaintRow | undefined> {
  const found = await tx.findOne(ComplaintEntity, { id: args.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  return found ? plain(found) : undefined;
}

/** Changes a complaint locked by lockComplaint and records the step in its history. */
export async function updateComplaint(
  tx: EntityManager,
  args: { id: string; patch: Partial<ComplaintRow>; event: ComplaintEventRow },
): Promise<ComplaintRow> {
  await tx.nativeUpdate(ComplaintEntity, { id: args.id }, args.patch);
  tx.create(ComplaintEventEntity, args.event);
  await tx.flush();
  return plain((await tx.findOne(ComplaintEntity, { id: args.id }, { refresh: true }))!);
}

interface ComplaintListFilter {
  facilityId?: string;
  citizenAccount?: string;
  statuses?: ComplaintStatus[];
}

const listWhere = (args: ComplaintListFilter) => ({
  ...(args.facilityId ? { facilityId: args.facilityId } : {}),
  ...(args.citizenAccount ? { $or: [{ citizenAccount: args.citizenAccount }, { submittedBy: `citizen:${args.citizenAccount}` }] } : {}),
  ...(args.statuses?.length ? { status: { $in: args.statuses } } : {}),
});

/**
 * Complaints, oldest deadline first (the queue shows what is most urgent), a page at a time: `after` is
 * the previous page's last (resolution deadline, id).
 */
export async function listComplaints(
  em: EntityManager,
  args: ComplaintListFilter & { limit: number; after?: [Date, string] },
): Promise<ComplaintRow[]> {
  const where = listWhere(args);
  const page = args.after
    ? {
        $and: [
          where,
          { $or: [{ resolutionDueAt: { $gt: args.after[0] } }, { resolutionDueAt: args.after[0], id: { $gt: args.after[1] } }] },
        ],
      }
    : where;
  const rows = await em.find(ComplaintEntity, page, { orderBy: { resolutionDueAt: 'asc', id: 'asc' }, limit: args.limit });
  return rows.map(plain);
}

export async function countListedComplaints(em: EntityManager, args: ComplaintListFilter): Promise<number> {
  return em.count(ComplaintEntity, listWhere(args));
}

/** The open complaints of each facility (loader for Facility.complaints). */
export async function openComplaintsOfFacilities(
  em: EntityManager,
  args: { facilityIds: readonly string[]; limit: number },
): Promise<ComplaintRow[]> {
  if (args.facilityIds.length === 0) return [];
  const rows = await em.find(
    ComplaintEntity,
    { facilityId: { $in: [...args.facilityIds] }, status: { $in: OPEN } },
    { orderBy: { resolutionDueAt: 'asc', id: 'asc' }, limit: args.limit * args.facilityIds.length },
  );
  return rows.map(plain);
}

export async function eventsOfComplaints(em: EntityManager, args: { ids: readonly string[] }): Promise<ComplaintEventRow[]> {
  if (args.ids.length === 0) return [];
  return (await em.find(ComplaintEventEntity, { complaintId: { $in: [...args.ids] } }, { orderBy: { at: 'asc', id: 'asc' } })).map(plain);
}

/** Counts by facility, status and category of complaints submitted in [from, to). */
export async function countComplaints(
  em: EntityManager,
  args: { from: Date; to: Date },
): Promise<{ facilityId: string | null; status: string; category: string; n: number }[]> {
  const rows = await em
    .createQueryBuilder(ComplaintEntity, 'c')
    .select(['c.facilityId', 'c.status', 'c.category', raw('count(*)::int as n')] as never)
    .where({ submittedAt: { $gte: args.from, $lt: args.to } })
    .groupBy(['c.facilityId', 'c.status', 'c.category'])
    .execute<{ facility_id: string | null; status: string; category: string; n: number }[]>('all', false);
  return rows.map((r) => ({ facilityId: r.facility_id, status: r.status, category: r.category, n: Number(r.n) }));
}

/**
 * Open complaints whose deadline passed and that were not escalated for it yet, locked and skipped by
 * other timers (SKIP LOCKED: two service instances never escalate the same complaint twice).
 */
export async function lockOverdue(
  tx: EntityManager,
  args: { kind: 'response' | 'resolution'; now: Date; limit: number },
): Promise<ComplaintRow[]> {
  const where =
    args.kind === 'response'
      ? { status: { $in: OPEN }, firstResponseAt: null, responseDueAt: { $lt: args.now }, responseEscalatedAt: null }
      : { status: { $in: OPEN }, resolutionDueAt: { $lt: args.now }, resolutionEscalatedAt: null };
  const rows = await tx.find(ComplaintEntity, where, {
    lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
    limit: args.limit,
    orderBy: { id: 'asc' },
    refresh: true,
  });
  return rows.map(plain);
}

/** Resolved complaints whose reopening window has passed without a rating. */
export async function lockUnratedResolved(tx: EntityManager, args: { resolvedBefore: Date; limit: number }): Promise<ComplaintRow[]> {
  const rows = await tx.find(
    ComplaintEntity,
    { status: 'RESOLVED', resolvedAt: { $lt: args.resolvedBefore } },
    { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: args.limit, orderBy: { id: 'asc' }, refresh: true },
  );
  return rows.map(plain);
}

import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SurveyInvitationEntity, SurveyResponseEntity } from './survey.entity.js';

export type InvitationRow = Omit<SurveyInvitationEntity, never>;
export type ResponseRow = Omit<SurveyResponseEntity, never>;

const plain = <T extends object>(e: T): T => ({ ...e });

/** One invitation per appointment: a second completion event of the same appointment adds nothing. */
export async function insertInvitation(tx: EntityManager, row: InvitationRow): Promise<boolean> {
  const exists = await tx.count(SurveyInvitationEntity, { appointmentId: row.appointmentId });
  if (exists) return false;
  tx.create(SurveyInvitationEntity, row);
  await tx.flush();
  return true;
}

export async function deleteUnansweredInvitations(tx: EntityManager): Promise<void> {
  await tx.nativeDelete(SurveyInvitationEntity, { answeredAt: null });
}

export async function invitationsOfAppointments(em: EntityManager, args: { appointmentIds: readonly string[] }): Promise<InvitationRow[]> {
  if (args.appointmentIds.length === 0) return [];
  return (await em.find(SurveyInvitationEntity, { appointmentId: { $in: [...args.appointmentIds] } })).map(plain);
}

/** The invitation of a link, locked for answering it (by the token's hash; the token is never stored). */
export async function lockInvitation(tx: EntityManager, args: { tokenHash: string }): Promise<InvitationRow | undefined> {
  const found = await tx.findOne(
    SurveyInvitationEntity,
    { tokenHash: args.tokenHash },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  return found ? plain(found) : undefined;
}

/** The invitation of a link, to show the visit before it is answered. */
export async function findInvitationByTokenHash(em: EntityManager, args: { tokenHash: string }): Promise<InvitationRow | undefined> {
  const found = await em.findOne(SurveyInvitationEntity, { tokenHash: args.tokenHash });
  return found ? plain(found) : undefined;
}

export async function insertResponse(tx: EntityManager, row: ResponseRow): Promise<void> {
  tx.create(SurveyResponseEntity, row);
  await tx.nativeUpdate(SurveyInvitationEntity, { id: row.invitationId }, { answeredAt: row.answeredAt });
  await tx.flush();
}

export interface FacilityTotals {
  facilityId: string;
  responses: number;
  /** Sums of the nine elements, U1 to U9. */
  sums: number[];
}

/** Per facility: answers and the sum of each element, for visits in [from, to] (local dates). */
export async function totalsByFacility(em: EntityManager, args: { from: string; to: string }): Promise<FacilityTotals[]> {
  const sums = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => raw(`sum(s.u${i})::int as u${i}`));
  const rows = await em
    .createQueryBuilder(SurveyResponseEntity, 's')
    .select(['s.facilityId', raw('count(*)::int as n'), ...sums] as never)
    .where({ visitDate: { $gte: args.from, $lte: args.to } })
    .groupBy('s.facilityId')
    .execute<Record<string, string | number>[]>('all', false);
  return rows.map((r) => ({
    facilityId: String(r.facility_id),
    responses: Number(r.n),
    sums: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => Number(r[`u${i}`])),
  }));
}

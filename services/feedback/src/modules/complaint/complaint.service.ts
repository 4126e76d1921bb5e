import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  ComplaintStatusChanged,
  ComplaintSubmitted,
  decodeCursor,
  pageSize,
  publish,
  toConnection,
  type Claims,
  type Connection,
  isUuid,
} from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { feedbackPolicy, type ComplaintScope } from '../../policy.js';
import type { ComplaintStatus, Handling } from './complaint.entity.js';
import {
  checkNote,
  checkReopenWindow,
  reopenableUntil,
  checkSubmission,
  checkTransition,
  complaintCategories,
  type Category,
  type ComplaintSubmission,
  type Transition,
} from './complaint.rules.js';
import {
  countComplaints,
  countListedComplaints,
  insertComplaint,
  listComplaints,
  lockComplaint,
  updateComplaint,
  type ComplaintEventRow,
  type ComplaintRow,
} from './complaint.store.js';

export type { ComplaintRow };

const HANDLINGS: readonly Handling[] = ['SIMPLE', 'DESK', 'FIELD'];
const STATUSES: readonly ComplaintStatus[] = ['SUBMITTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED'];

const actor = (claims: Claims): string => `${claims.role}:${claims.sub ?? 'unknown'}`;
const scope = (row: ComplaintRow | undefined): ComplaintScope | undefined => row;

/** ADU-YYMMDD-XXXXXX: the date a person can read, six random characters nobody can guess. */
function reference(now: Date): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const random = [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
  return `ADU-${now.toISOString().slice(2, 10).replaceAll('-', '')}-${random}`;
}

function event(
  row: { id: string },
  claims: Claims | 'system',
  action: string,
  at: Date,
  toStatus: string | null,
  note: string | null,
): ComplaintEventRow {
  return { id: randomUUID(), complaintId: row.id, at, actorRole: claims === 'system' ? 'system' : claims.role, action, toStatus, note };
}

async function announce(tx: EntityManager, row: ComplaintRow, at: Date, contract: typeof ComplaintSubmitted): Promise<void> {
  await publish(tx, 'feedback', contract, row.id, {
    complaintId: row.id,
    reference: row.reference,
    facilityId: row.facilityId ?? null,
    subjectType: row.subjectType,
    category: row.category,
    status: row.status,
    at: at.toISOString(),
  });
}

/** Files a complaint: a citizen for themselves, or staff on a citizen's behalf. Deadlines from the SP4N-LAPOR! rules. */
export async function submitComplaint(ctx: FeedbackContext, input: ComplaintSubmission): Promise<ComplaintRow> {
  const as = feedbackPolicy.submitComplaint(ctx.request.claims, input.facilityId);
  const draft = checkSubmission(input, as === 'staff');
  const now = ctx.feedback.now();
  const { calendar, config } = ctx.feedback;
  const row: ComplaintRow = {
    id: randomUUID(),
    reference: reference(now),
    subjectType: draft.subjectType,
    subjectId: draft.subjectId,
    facilityId: draft.facilityId,
    category: draft.category.code,
    handling: draft.category.handling,
    description: draft.description,
    attachments: draft.attachments,
    channel: draft.channel,
    submittedBy: actor(ctx.request.claims),
    citizenAccount: as === 'citizen' ? ctx.request.claims.sub! : draft.citizenAccount,
    status: 'SUBMITTED',
    submittedAt: now,
    responseDueAt: calendar.addWorkingDays(now, config.firstResponseDays),
    resolutionDueAt: calendar.addWorkingDays(now, config.resolveDays[draft.category.handling]),
    reopenedCount: 0,
  };
  return ctx.em.transactional(async (tx) => {
    await insertComplaint(tx, row, event(row, ctx.request.claims, 'SUBMITTED', now, 'SUBMITTED', null));
    await announce(tx, row, now, ComplaintSubmitted);
    return row;
  });
}

export async function getComplaint(ctx: FeedbackContext, id: string): Promise<ComplaintRow> {
  feedbackPolicy.readComplaint(ctx.request.claims, 'before');
  const row = isUuid(id) ? ((await ctx.loaders.complaint.load(id)) ?? undefined) : undefined;
  feedbackPolicy.readComplaint(ctx.request.claims, scope(row));
  return row!;
}

export async function myComplaints<T>(ctx: FeedbackContext, page: Page, toNode: (row: ComplaintRow) => T): Promise<Connection<T>> {
  const account = feedbackPolicy.myComplaints(ctx.request.claims);
  return complaintPage(ctx.em, { citizenAccount: account }, page, toNode);
}

interface Page {
  first?: number | null;
  after?: string | null;
}

/** One page of complaints, oldest deadline first; the cursor is (deadline in ms, id). */
async function complaintPage<T>(
  em: EntityManager,
  filter: { facilityId?: string; citizenAccount?: string; statuses?: ComplaintStatus[] },
  page: Page,
  toNode: (row: ComplaintRow) => T,
): Promise<Connection<T>> {
  const size = pageSize(page.first, 50);
  const key = page.after ? decodeCursor(page.after, [Number.isSafeInteger, isUuid]) : undefined;
  const after = key ? ([new Date(key[0] as number), key[1] as string] as [Date, string]) : undefined;
  const [rows, total] = await Promise.all([listComplaints(em, { ...filter, limit: size + 1, after }), countListedComplaints(em, filter)]);
  return toConnection(rows, size, total, (r) => [r.resolutionDueAt.getTime(), r.id], toNode);
}

/** A facility's queue (health workers: their own; admins: any facility or the whole city). */
export async function complaintQueue<T>(
  ctx: FeedbackContext,
  args: { facilityId?: string | null; statuses?: string[] | null } & Page,
  toNode: (row: ComplaintRow) => T,
): Promise<Connection<T>> {
  const facilityId = feedbackPolicy.queue(ctx.request.claims, args.facilityId);
  const statuses = (args.statuses ?? []) as ComplaintStatus[];
  if (statuses.some((s) => !STATUSES.includes(s))) throw badInput('statuses', { id: 'Status tidak dikenal', en: 'Unknown status' });
  if (facilityId !== undefined && !isUuid(facilityId)) return toConnection([], pageSize(args.first, 50), 0, () => [], toNode);
  return complaintPage(ctx.em, { facilityId, statuses }, args, toNode);
}

/** Facility.complaints: the open complaints in the facility's queue, batched over facilities. */
export async function facilityComplaints(ctx: FeedbackContext, facilityId: string): Promise<ComplaintRow[]> {
  feedbackPolicy.queue(ctx.request.claims, facilityId);
  return ctx.loaders.facilityComplaints.load(facilityId);
}

/** Partners and the city office: how many, of which category and state, per facility; never the content. */
export async function complaintCounts(ctx: FeedbackContext, args: { from: string; to: string }) {
  feedbackPolicy.complaintCounts(ctx.request.claims);
  const from = Date.parse(`${args.from}T00:00:00+07:00`);
  const to = Date.parse(`${args.to}T00:00:00+07:00`) + 86_400_000;
  const bad: [string, string][] = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(args.from) || Number.isNaN(from)) bad.push(['from', 'from']);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(args.to) || Number.isNaN(to) || to <= from) bad.push(['to', 'to']);
  if (bad.length) {
    throw badInput(
      bad[0]![0],
      { id: 'Tanggal harus YYYY-MM-DD, dari sebelum sampai', en: 'Dates must be YYYY-MM-DD, from before to' },
      {
        fields: bad.map(([field]) => ({ field, message: 'Tanggal harus YYYY-MM-DD', messageEn: 'Dates must be YYYY-MM-DD' })),
      },
    );
  }
  return countComplaints(ctx.em, { from: new Date(from), to: new Date(to) });
}

/** The guided categories, for one subject or all. Public. */
export function categoriesFor(subjectType?: string | null): Category[] {
  feedbackPolicy.publicRead();
  return complaintCategories().filter((c) => !subjectType || c.subjects.includes(subjectType as Category['subjects'][number]));
}

type Decide = (found: ComplaintScope | undefined | 'before') => void;

/** One step on one complaint: locked, decided with what was found, checked against its state, changed, announced. */
async function step(
  ctx: FeedbackContext,
  id: string,
  decide: Decide,
  transition: Transition | 'reply',
  change: (row: ComplaintRow, now: Date) => { patch: Partial<ComplaintRow>; note: string | null },
): Promise<ComplaintRow> {
  return ctx.em.transactional(async (tx) => {
    const row = isUuid(id) ? await lockComplaint(tx, { id: id.toLowerCase() }) : undefined;
    decide(scope(row));
    const found = row!;
    const to = transition === 'reply' ? found.status : checkTransition(transition, found.status);
    if (transition === 'reply' && ['RESOLVED', 'CLOSED', 'REJECTED'].includes(found.status)) checkTransition('start', found.status);
    const now = ctx.feedback.now();
    const { patch, note } = change(found, now);
    const staff = ctx.request.claims.role === 'health-worker' || ctx.request.claims.role === 'admin';
    const updated = await updateComplaint(tx, {
      id: found.id,
      patch: { ...patch, status: to, ...(staff && !found.firstResponseAt ? { firstResponseAt: now } : {}) },
      event: event(found, ctx.request.claims, transition.toUpperCase(), now, to, note),
    });
    if (to !== found.status) await announce(tx, updated, now, ComplaintStatusChanged);
    return updated;
  });
}

/** Takes a complaint on: who handles it and how (the resolution deadline follows the handling class). */
export async function assignComplaint(
  ctx: FeedbackContext,
  id: string,
  input: { handling?: string | null; note?: string | null },
): Promise<ComplaintRow> {
  feedbackPolicy.handleComplaint(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.handleComplaint(ctx.request.claims, found);
  const handling = (input.handling ?? undefined) as Handling | undefined;
  if (handling !== undefined && !HANDLINGS.includes(handling)) {
    throw badInput('handling', { id: 'Penanganan harus SIMPLE, DESK atau FIELD', en: 'Handling must be SIMPLE, DESK or FIELD' });
  }
  const note = input.note ? checkNote('note', input.note) : null;
  return step(ctx, id, decide, 'assign', (row) => {
    const cls = handling ?? row.handling;
    return {
      patch: {
        assignedTo: actor(ctx.request.claims),
        handling: cls,
        resolutionDueAt: ctx.feedback.calendar.addWorkingDays(row.submittedAt, ctx.feedback.config.resolveDays[cls]),
      },
      note,
    };
  });
}

export async function startComplaint(ctx: FeedbackContext, id: string): Promise<ComplaintRow> {
  feedbackPolicy.handleComplaint(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.handleComplaint(ctx.request.claims, found);
  return step(ctx, id, decide, 'start', () => ({ patch: {}, note: null }));
}

/** An answer to the citizen without a change of state (counts as the first response). */
export async function replyToComplaint(ctx: FeedbackContext, id: string, message: string): Promise<ComplaintRow> {
  feedbackPolicy.handleComplaint(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.handleComplaint(ctx.request.claims, found);
  const note = checkNote('message', message);
  return step(ctx, id, decide, 'reply', () => ({ patch: {}, note }));
}

export async function resolveComplaint(ctx: FeedbackContext, id: string, resolution: string): Promise<ComplaintRow> {
  feedbackPolicy.handleComplaint(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.handleComplaint(ctx.request.claims, found);
  const text = checkNote('resolution', resolution);
  return step(ctx, id, decide, 'resolve', (_row, now) => ({ patch: { resolution: text, resolvedAt: now }, note: text }));
}

export async function rejectComplaint(ctx: FeedbackContext, id: string, reason: string): Promise<ComplaintRow> {
  feedbackPolicy.handleComplaint(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.handleComplaint(ctx.request.claims, found);
  const text = checkNote('reason', reason);
  return step(ctx, id, decide, 'reject', (_row, now) => ({ patch: { rejectionReason: text, closedAt: now }, note: text }));
}

/** The citizen is not satisfied: within the reopening window, back to handling with a fresh resolution deadline. */
export async function reopenComplaint(ctx: FeedbackContext, id: string, reason: string): Promise<ComplaintRow> {
  feedbackPolicy.citizenStep(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.citizenStep(ctx.request.claims, found);
  const text = checkNote('reason', reason);
  return step(ctx, id, decide, 'reopen', (row, now) => {
    checkReopenWindow(reopenableUntil(row, ctx.feedback.config.reopenDays), now, ctx.feedback.config.reopenDays);
    return {
      patch: {
        reopenedCount: row.reopenedCount + 1,
        resolvedAt: null,
        closedAt: null,
        resolutionEscalatedAt: null,
        resolutionDueAt: ctx.feedback.calendar.addWorkingDays(now, ctx.feedback.config.resolveDays[row.handling]),
      },
      note: text,
    };
  });
}

/** The citizen rates the resolution (1 to 5): the complaint is closed. */
export async function rateComplaint(ctx: FeedbackContext, id: string, rating: number): Promise<ComplaintRow> {
  feedbackPolicy.citizenStep(ctx.request.claims, 'before');
  const decide: Decide = (found) => feedbackPolicy.citizenStep(ctx.request.claims, found);
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw badInput('rating', { id: 'Nilai 1 sampai 5', en: 'Rate from 1 to 5' });
  return step(ctx, id, decide, 'rate', (_row, now) => ({ patch: { rating, closedAt: now }, note: null }));
}

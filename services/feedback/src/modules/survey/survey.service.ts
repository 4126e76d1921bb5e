import { randomUUID } from 'node:crypto';
import { publish, SurveyAnswered } from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { feedbackPolicy } from '../../policy.js';
import { Mistakes } from '../complaint/complaint.rules.js';
import { localDate } from '../complaint/working-days.js';
import { skmIndex, SKM_ELEMENTS, suppressedFacilities, type SkmAnswers, type SkmIndex } from './skm.js';
import { checkInvitation, surveyToken, tokenHash, TOKEN_SHAPE } from './survey.rules.js';
import { findInvitationByTokenHash, insertResponse, lockInvitation, type FacilityTotals, type InvitationRow } from './survey.store.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Appointment.survey: whoever booking let see the appointment; the answering token only for the visitor's side. */
export async function surveyOfAppointment(
  ctx: FeedbackContext,
  appointmentId: string,
): Promise<{ invitation: InvitationRow; token: string | null } | null> {
  const mayAnswer = feedbackPolicy.surveyToken(ctx.request.claims);
  const invitation = await ctx.loaders.invitation.load(appointmentId);
  if (!invitation) return null;
  if (!mayAnswer || invitation.answeredAt || ctx.feedback.now() > invitation.expiresAt) return { invitation, token: null };
  // Made again from the id; an invitation from before the hashes has a random token of its own, not shown again.
  const token = surveyToken(ctx.feedback.surveyKey, invitation.id);
  return { invitation, token: tokenHash(token) === invitation.tokenHash ? token : null };
}

/**
 * /survey/<token>: the visit a link is for (its facility and day, nothing about the person), so that whoever
 * holds the link can answer without an account. Used, unknown and expired links get their own error.
 */
export async function surveyByToken(ctx: FeedbackContext, token: string): Promise<InvitationRow> {
  feedbackPolicy.answerSurvey(ctx.request.claims);
  const found = TOKEN_SHAPE.test(token) ? await findInvitationByTokenHash(ctx.em, { tokenHash: tokenHash(token) }) : undefined;
  checkInvitation(found, ctx.feedback.now());
  return found;
}

/** One answer per visit: the nine SKM elements, each 1 to 4; every wrong element reported at once. */
export async function answerSurvey(
  ctx: FeedbackContext,
  input: { token: string; answers: SkmAnswers; suggestion?: string | null },
): Promise<{ invitationId: string }> {
  feedbackPolicy.answerSurvey(ctx.request.claims);
  const wrong = new Mistakes();
  for (const element of SKM_ELEMENTS) {
    const value = input.answers[element.key];
    if (!Number.isInteger(value) || value < 1 || value > 4) {
      wrong.add(`answers.${element.key}`, { id: `${element.id}: pilih 1 sampai 4`, en: `${element.en}: choose 1 to 4` });
    }
  }
  const suggestion = input.suggestion?.trim() || null;
  if (suggestion && suggestion.length > 1000)
    wrong.add('suggestion', { id: 'Saran paling banyak 1000 karakter', en: 'At most 1000 characters of suggestion' });
  wrong.done();
  const now = ctx.feedback.now();
  return ctx.em.transactional(async (tx) => {
    const invitation = TOKEN_SHAPE.test(input.token) ? await lockInvitation(tx, { tokenHash: tokenHash(input.token) }) : undefined;
    // A used, unknown or expired link changes nothing.
    checkInvitation(invitation, now);
    const a = input.answers;
    await insertResponse(tx, {
      id: randomUUID(),
      invitationId: invitation.id,
      facilityId: invitation.facilityId,
      visitDate: invitation.visitDate,
      answeredAt: now,
      u1: a.requirements,
      u2: a.procedure,
      u3: a.completionTime,
      u4: a.cost,
      u5: a.serviceProduct,
      u6: a.staffCompetence,
      u7: a.staffConduct,
      u8: a.complaintHandling,
      u9: a.facilities,
      suggestion,
    });
    await publish(tx, 'feedback', SurveyAnswered, invitation.id, {
      invitationId: invitation.id,
      facilityId: invitation.facilityId,
      visitDate: invitation.visitDate,
      at: now.toISOString(),
    });
    return { invitationId: invitation.id };
  });
}

export interface IndexView {
  from: string;
  to: string;
  /** Undefined: no answers; suppressed: fewer than the minimum outside the city office (numbers withheld). */
  index?: SkmIndex;
  suppressed: boolean;
}

function period(ctx: FeedbackContext, from?: string | null, to?: string | null): { from: string; to: string } {
  const today = localDate(ctx.feedback.now());
  const end = to ?? today;
  const start = from ?? new Date(Date.parse(`${end}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  const wrong = new Mistakes();
  if (!DATE.test(start) || Number.isNaN(Date.parse(start)))
    wrong.add('from', { id: 'Tanggal harus YYYY-MM-DD', en: 'Dates must be YYYY-MM-DD' });
  if (!DATE.test(end) || Number.isNaN(Date.parse(end))) wrong.add('to', { id: 'Tanggal harus YYYY-MM-DD', en: 'Dates must be YYYY-MM-DD' });
  else if (DATE.test(start) && end < start) wrong.add('to', { id: 'Sampai harus setelah dari', en: 'To must not be before from' });
  wrong.done();
  return { from: start, to: end };
}

function view(totals: FacilityTotals | undefined, p: { from: string; to: string }, hidden: boolean): IndexView {
  if (hidden) return { ...p, suppressed: true };
  return { ...p, index: totals ? skmIndex(totals.sums, totals.responses) : undefined, suppressed: false };
}

/** Facility.satisfaction: public with small counts suppressed (decided over the whole city, as the city view does). */
export async function facilitySatisfaction(
  ctx: FeedbackContext,
  facilityId: string,
  args: { from?: string | null; to?: string | null },
): Promise<IndexView> {
  const sees = feedbackPolicy.satisfaction(ctx.request.claims);
  const p = period(ctx, args.from, args.to);
  const all = await ctx.loaders.surveyTotals.load(`${p.from}|${p.to}`);
  const hidden = sees.all
    ? new Set<string>()
    : suppressedFacilities(new Map(all.map((t) => [t.facilityId, t.responses])), ctx.feedback.config.surveyMinResponses);
  const own = !sees.all && sees.ownFacility === facilityId;
  return view(
    all.find((t) => t.facilityId === facilityId),
    p,
    !own && hidden.has(facilityId),
  );
}

/** The city's index and every facility's, suppressed for everyone but the city office. */
export async function citySatisfaction(ctx: FeedbackContext, args: { from?: string | null; to?: string | null }) {
  const sees = feedbackPolicy.satisfaction(ctx.request.claims);
  const p = period(ctx, args.from, args.to);
  const all = await ctx.loaders.surveyTotals.load(`${p.from}|${p.to}`);
  const k = ctx.feedback.config.surveyMinResponses;
  const hidden = sees.all ? new Set<string>() : suppressedFacilities(new Map(all.map((t) => [t.facilityId, t.responses])), k);
  const responses = all.reduce((n, t) => n + t.responses, 0);
  const sums = SKM_ELEMENTS.map((_e, i) => all.reduce((s, t) => s + t.sums[i]!, 0));
  const city: IndexView =
    !sees.all && responses < k ? { ...p, suppressed: true } : { ...p, index: skmIndex(sums, responses), suppressed: false };
  return {
    city,
    facilities: all
      .map((t) => ({
        facilityId: t.facilityId,
        view: view(t, p, hidden.has(t.facilityId) && sees.all === false && sees.ownFacility !== t.facilityId),
      }))
      .sort((a, b) => a.facilityId.localeCompare(b.facilityId)),
  };
}

export function surveyElements() {
  feedbackPolicy.publicRead();
  return SKM_ELEMENTS;
}

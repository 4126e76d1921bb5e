import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, type Connection } from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { FacilityRef, facilityRef } from '../../external/facility.stub.js';
import { reopenableUntil, type Category } from './complaint.rules.js';
import {
  assignComplaint,
  categoriesFor,
  complaintCounts,
  complaintQueue,
  facilityComplaints,
  getComplaint,
  myComplaints,
  rateComplaint,
  rejectComplaint,
  reopenComplaint,
  replyToComplaint,
  resolveComplaint,
  startComplaint,
  submitComplaint,
  type ComplaintRow,
} from './complaint.service.js';
import { complaintCategories } from './complaint.rules.js';
import {
  AssignComplaintInput,
  Complaint,
  ComplaintAttachment,
  ComplaintCategory,
  ComplaintConnection,
  ComplaintCount,
  ComplaintStatusEnum,
  ComplaintStep,
  ComplaintSubjectEnum,
  SubmitComplaintInput,
  type ComplaintChannelEnum,
  type HandlingEnum,
} from './complaint.type.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export const toCategory = (c: Category): ComplaintCategory =>
  Object.assign(new ComplaintCategory(), { code: c.code, name: c.id, nameEn: c.en, subjects: c.subjects, handling: c.handling });

export function toComplaint(row: ComplaintRow): Complaint {
  const category = complaintCategories().find((c) => c.code === row.category);
  return Object.assign(new Complaint(), {
    id: row.id,
    reference: row.reference,
    subjectType: row.subjectType as ComplaintSubjectEnum,
    subjectId: row.subjectId ?? null,
    facility: row.facilityId ? facilityRef(row.facilityId) : null,
    category: category
      ? toCategory(category)
      : Object.assign(new ComplaintCategory(), {
          code: row.category,
          name: row.category,
          nameEn: row.category,
          subjects: [],
          handling: row.handling,
        }),
    handling: row.handling as HandlingEnum,
    description: row.description,
    attachments: row.attachments.map((a) => Object.assign(new ComplaintAttachment(), a)),
    channel: row.channel as ComplaintChannelEnum,
    onBehalf: !row.submittedBy.startsWith('citizen:'),
    status: row.status as ComplaintStatusEnum,
    submittedAt: row.submittedAt.toISOString(),
    responseDueAt: row.responseDueAt.toISOString(),
    resolutionDueAt: row.resolutionDueAt.toISOString(),
    firstResponseAt: iso(row.firstResponseAt),
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    escalations: [...(row.responseEscalatedAt ? ['FIRST_RESPONSE'] : []), ...(row.resolutionEscalatedAt ? ['RESOLUTION'] : [])],
    rejectionReason: row.rejectionReason ?? null,
    resolution: row.resolution ?? null,
    rating: row.rating ?? null,
    reopenedCount: row.reopenedCount,
  });
}

@Resolver(() => Complaint)
export class ComplaintResolver {
  @Query(() => [ComplaintCategory], { description: 'The guided categories of complaints, for one subject or all. Public.' })
  complaintCategories(
    @Arg('subjectType', () => ComplaintSubjectEnum, { nullable: true }) subjectType?: ComplaintSubjectEnum | null,
  ): ComplaintCategory[] {
    return categoriesFor(subjectType).map(toCategory);
  }

  @Query(() => Complaint, { description: "One complaint: the citizen's own, its facility's health workers, admins." })
  async complaint(@Ctx() ctx: FeedbackContext, @Arg('id', () => ID) id: string): Promise<Complaint> {
    return toComplaint(await getComplaint(ctx, id));
  }

  @Query(() => ComplaintConnection, {
    description: "The signed-in citizen's complaints (also those staff entered for the account), oldest deadline first, cursor-paginated.",
  })
  async myComplaints(
    @Ctx() ctx: FeedbackContext,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 200' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<Complaint>> {
    return myComplaints(ctx, { first, after }, toComplaint);
  }

  @Query(() => ComplaintConnection, {
    description:
      "A facility's queue, most urgent deadline first, cursor-paginated. Health workers: their facility; admins: any, or the whole city without facilityId.",
  })
  async complaintQueue(
    @Ctx() ctx: FeedbackContext,
    @Arg('facilityId', () => ID, { nullable: true }) facilityId?: string | null,
    @Arg('statuses', () => [ComplaintStatusEnum], { nullable: true }) statuses?: ComplaintStatusEnum[] | null,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 200' }) first = 50,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<Complaint>> {
    return complaintQueue(ctx, { facilityId, statuses, first, after }, toComplaint);
  }

  @Query(() => [ComplaintCount], {
    description: 'Counts by facility, status and category for [from, to] (YYYY-MM-DD). Partners and admins; no content.',
  })
  async complaintCounts(
    @Ctx() ctx: FeedbackContext,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
  ): Promise<ComplaintCount[]> {
    return (await complaintCounts(ctx, { from, to })).map((r) =>
      Object.assign(new ComplaintCount(), {
        facility: r.facilityId ? facilityRef(r.facilityId) : null,
        status: r.status,
        category: r.category,
        count: r.n,
      }),
    );
  }

  @Mutation(() => Complaint, {
    description: "Files a complaint: a citizen for themselves, staff on a citizen's behalf (with the channel).",
  })
  async submitComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('input', () => SubmitComplaintInput) input: SubmitComplaintInput,
  ): Promise<Complaint> {
    return toComplaint(await submitComplaint(ctx, input));
  }

  @Mutation(() => Complaint, { description: 'Takes a complaint on and sets its handling class. Its facility staff, admins.' })
  async assignComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AssignComplaintInput, { nullable: true }) input?: AssignComplaintInput | null,
  ): Promise<Complaint> {
    return toComplaint(await assignComplaint(ctx, id, input ?? {}));
  }

  @Mutation(() => Complaint, { description: 'Starts handling. Its facility staff, admins.' })
  async startComplaint(@Ctx() ctx: FeedbackContext, @Arg('id', () => ID) id: string): Promise<Complaint> {
    return toComplaint(await startComplaint(ctx, id));
  }

  @Mutation(() => Complaint, {
    description: 'An answer to the citizen (the first one meets the first-response deadline). Its facility staff, admins.',
  })
  async replyToComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('message', () => String) message: string,
  ): Promise<Complaint> {
    return toComplaint(await replyToComplaint(ctx, id, message));
  }

  @Mutation(() => Complaint, { description: 'Resolves it with what was done. Its facility staff, admins.' })
  async resolveComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('resolution', () => String) resolution: string,
  ): Promise<Complaint> {
    return toComplaint(await resolveComplaint(ctx, id, resolution));
  }

  @Mutation(() => Complaint, { description: 'Rejects it with a reason. Its facility staff, admins.' })
  async rejectComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Complaint> {
    return toComplaint(await rejectComplaint(ctx, id, reason));
  }

  @Mutation(() => Complaint, { description: 'The citizen reopens a resolved or rejected complaint within the reopening window (10 days).' })
  async reopenComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Complaint> {
    return toComplaint(await reopenComplaint(ctx, id, reason));
  }

  @Mutation(() => Complaint, { description: 'The citizen rates the resolution (1 to 5); the complaint is closed.' })
  async rateComplaint(
    @Ctx() ctx: FeedbackContext,
    @Arg('id', () => ID) id: string,
    @Arg('rating', () => Int) rating: number,
  ): Promise<Complaint> {
    return toComplaint(await rateComplaint(ctx, id, rating));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Until when the citizen may reopen it: 10 days (configurable) after it was resolved or rejected; null in every other state.',
  })
  reopenableUntil(@Root() complaint: Complaint, @Ctx() ctx: FeedbackContext): string | null {
    const at = (iso?: string | null): Date | null => (iso ? new Date(iso) : null);
    const until = reopenableUntil(
      { status: complaint.status, resolvedAt: at(complaint.resolvedAt), closedAt: at(complaint.closedAt) },
      ctx.feedback.config.reopenDays,
    );
    return until ? until.toISOString() : null;
  }

  @FieldResolver(() => [ComplaintStep])
  async history(@Root() complaint: Complaint, @Ctx() ctx: FeedbackContext): Promise<ComplaintStep[]> {
    const steps = await ctx.loaders.complaintEvents.load(complaint.id);
    return steps.map((s) =>
      Object.assign(new ComplaintStep(), {
        at: s.at.toISOString(),
        actorRole: s.actorRole,
        action: s.action,
        status: s.toStatus ?? null,
        note: s.note ?? null,
      }),
    );
  }
}

@Resolver(() => FacilityRef)
export class FacilityComplaintsResolver {
  @FieldResolver(() => [Complaint], { description: "The facility's open complaints, most urgent first. Its health workers and admins." })
  async complaints(@Root() facility: FacilityRef, @Ctx() ctx: FeedbackContext): Promise<Complaint[]> {
    return (await facilityComplaints(ctx, facility.id)).map(toComplaint);
  }
}

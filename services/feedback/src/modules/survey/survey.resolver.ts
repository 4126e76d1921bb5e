import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar } from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { AppointmentRef } from '../../external/appointment.stub.js';
import { FacilityRef, facilityRef } from '../../external/facility.stub.js';
import { bandOf, SKM_ELEMENTS } from './skm.js';
import {
  answerSurvey,
  citySatisfaction,
  facilitySatisfaction,
  surveyElements,
  surveyByToken,
  surveyOfAppointment,
  type IndexView,
} from './survey.service.js';
import {
  AnswerSurveyInput,
  CitySatisfaction,
  FacilitySatisfaction,
  SatisfactionIndex,
  SkmElement,
  SkmElementScore,
  SurveyInvitation,
  SurveyLink,
  SurveyReceipt,
} from './survey.type.js';

function toIndex(v: IndexView): SatisfactionIndex {
  const i = v.index;
  const band = i ? bandOf(i.value) : undefined;
  return Object.assign(new SatisfactionIndex(), {
    from: v.from,
    to: v.to,
    suppressed: v.suppressed,
    responses: v.suppressed ? null : (i?.responses ?? 0),
    ikm: i?.ikm ?? null,
    value: i?.value ?? null,
    band: band?.band ?? null,
    bandName: band?.id ?? null,
    bandNameEn: band?.en ?? null,
    elements: i
      ? SKM_ELEMENTS.map((e, n) => Object.assign(new SkmElementScore(), { code: e.code, name: e.id, average: i.elementAverages[n]! }))
      : [],
  });
}

@Resolver()
export class SurveyResolver {
  @Query(() => [SkmElement], { description: 'The nine elements the survey asks about. Public.' })
  surveyElements(): SkmElement[] {
    return surveyElements().map((e) => Object.assign(new SkmElement(), { code: e.code, key: e.key, name: e.id, nameEn: e.en }));
  }

  @Query(() => CitySatisfaction, {
    description:
      "The city's SKM index and each facility's, for [from, to] (default: the last 365 days). Public, suppressed outside the city office.",
  })
  async citySatisfaction(
    @Ctx() ctx: FeedbackContext,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string | null,
  ): Promise<CitySatisfaction> {
    const result = await citySatisfaction(ctx, { from, to });
    return Object.assign(new CitySatisfaction(), {
      city: toIndex(result.city),
      facilities: result.facilities.map((f) =>
        Object.assign(new FacilitySatisfaction(), { facility: facilityRef(f.facilityId), satisfaction: toIndex(f.view) }),
      ),
    });
  }

  @Query(() => SurveyLink, {
    description:
      'The visit a single-use survey link is for, before answering. Anyone holding the link (no account); NOT_FOUND unknown, DUPLICATE used, CONFLICT expired.',
  })
  async surveyLink(@Ctx() ctx: FeedbackContext, @Arg('token', () => String) token: string): Promise<SurveyLink> {
    const found = await surveyByToken(ctx, token);
    return Object.assign(new SurveyLink(), {
      facility: facilityRef(found.facilityId),
      visitDate: found.visitDate,
      expiresAt: found.expiresAt.toISOString(),
    });
  }

  @Mutation(() => SurveyReceipt, {
    description:
      "Answers a visit's survey once (the single-use token of its link, from Appointment.survey). Anyone holding the link, no account needed; never staff or partners. A used, unknown or expired link changes nothing.",
  })
  async answerSurvey(@Ctx() ctx: FeedbackContext, @Arg('input', () => AnswerSurveyInput) input: AnswerSurveyInput): Promise<SurveyReceipt> {
    const { token, suggestion, ...answers } = input;
    return Object.assign(new SurveyReceipt(), await answerSurvey(ctx, { token, answers, suggestion }));
  }
}

@Resolver(() => FacilityRef)
export class FacilitySatisfactionResolver {
  @FieldResolver(() => SatisfactionIndex, {
    description: "The facility's SKM index for [from, to] (default: the last 365 days). Public, small counts suppressed.",
  })
  async satisfaction(
    @Root() facility: FacilityRef,
    @Ctx() ctx: FeedbackContext,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string | null,
  ): Promise<SatisfactionIndex> {
    return toIndex(await facilitySatisfaction(ctx, facility.id, { from, to }));
  }
}

@Resolver(() => AppointmentRef)
export class AppointmentSurveyResolver {
  @FieldResolver(() => SurveyInvitation, {
    nullable: true,
    description: 'The satisfaction survey of this visit, once the appointment is completed.',
  })
  async survey(@Root() appointment: AppointmentRef, @Ctx() ctx: FeedbackContext): Promise<SurveyInvitation | null> {
    const found = await surveyOfAppointment(ctx, appointment.id);
    if (!found) return null;
    return Object.assign(new SurveyInvitation(), {
      id: found.invitation.id,
      visitDate: found.invitation.visitDate,
      answered: Boolean(found.invitation.answeredAt),
      token: found.token,
    });
  }
}

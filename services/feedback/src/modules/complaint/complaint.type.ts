import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '@victori/shared';
import { FacilityRef } from '../../external/facility.stub.js';

export enum ComplaintSubjectEnum {
  FACILITY = 'FACILITY',
  SESSION = 'SESSION',
  APPOINTMENT = 'APPOINTMENT',
  DOSE = 'DOSE',
  WEBSITE = 'WEBSITE',
}
export enum ComplaintStatusEnum {
  SUBMITTED = 'SUBMITTED',
  ASSIGNED = 'ASSIGNED',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
}
export enum HandlingEnum {
  SIMPLE = 'SIMPLE',
  DESK = 'DESK',
  FIELD = 'FIELD',
}
export enum ComplaintChannelEnum {
  WEB = 'WEB',
  WALK_IN = 'WALK_IN',
  PHONE = 'PHONE',
  LETTER = 'LETTER',
  SOCIAL_MEDIA = 'SOCIAL_MEDIA',
}
registerEnumType(ComplaintSubjectEnum, { name: 'ComplaintSubject', description: 'What a complaint is about' });
registerEnumType(ComplaintStatusEnum, { name: 'ComplaintStatus' });
registerEnumType(HandlingEnum, {
  name: 'ComplaintHandling',
  description: 'Sets the resolution deadline: SIMPLE 5, DESK 14 (no field check), FIELD 60 (field check) working days by default',
});
registerEnumType(ComplaintChannelEnum, { name: 'ComplaintChannel' });

@ObjectType()
export class ComplaintCategory {
  @Field(() => String)
  code!: string;
  @Field(() => String, { description: 'Indonesian' })
  name!: string;
  @Field(() => String)
  nameEn!: string;
  @Field(() => [ComplaintSubjectEnum])
  subjects!: ComplaintSubjectEnum[];
  @Field(() => HandlingEnum)
  handling!: HandlingEnum;
}

@ObjectType()
export class ComplaintAttachment {
  @Field(() => String, { description: 'A reference (https link) to the file; feedback stores no files' })
  url!: string;
  @Field(() => String, { nullable: true })
  mediaType?: string | null;
}

@ObjectType({ description: 'One step of the complaint: what happened, and the answer the citizen reads' })
export class ComplaintStep {
  @Field(() => String)
  at!: string;
  @Field(() => String, { description: 'citizen, health-worker, admin or system (the deadline timer)' })
  actorRole!: string;
  @Field(() => String, {
    description:
      'SUBMITTED, ASSIGN, START, REPLY, RESOLVE, REJECT, REOPEN, RATE, ESCALATED_FIRST_RESPONSE, ESCALATED_RESOLUTION, CLOSED_UNRATED',
  })
  action!: string;
  @Field(() => ComplaintStatusEnum, { nullable: true })
  status?: ComplaintStatusEnum | null;
  @Field(() => String, { nullable: true })
  note?: string | null;
}

@ObjectType({ description: 'A complaint (pengaduan) and its deadlines under the SP4N-LAPOR! rules' })
export class Complaint {
  @Field(() => ID)
  id!: string;
  @Field(() => String, { description: 'What the citizen quotes: ADU-YYMMDD-XXXXXX' })
  reference!: string;
  @Field(() => ComplaintSubjectEnum)
  subjectType!: ComplaintSubjectEnum;
  @Field(() => ID, { nullable: true, description: 'The session, appointment or dose complained about' })
  subjectId?: string | null;
  @Field(() => FacilityRef, { nullable: true, description: "Whose queue it is in; null: the city office's (the website)" })
  facility?: FacilityRef | null;
  @Field(() => ComplaintCategory)
  category!: ComplaintCategory;
  @Field(() => HandlingEnum)
  handling!: HandlingEnum;
  @Field(() => String)
  description!: string;
  @Field(() => [ComplaintAttachment])
  attachments!: ComplaintAttachment[];
  @Field(() => ComplaintChannelEnum)
  channel!: ComplaintChannelEnum;
  @Field(() => Boolean, { description: "Entered by staff on the citizen's behalf" })
  onBehalf!: boolean;
  @Field(() => ComplaintStatusEnum)
  status!: ComplaintStatusEnum;
  @Field(() => String)
  submittedAt!: string;
  @Field(() => String, { description: 'End of the third working day (configurable)' })
  responseDueAt!: string;
  @Field(() => String)
  resolutionDueAt!: string;
  @Field(() => String, { nullable: true })
  firstResponseAt?: string | null;
  @Field(() => String, { nullable: true })
  resolvedAt?: string | null;
  @Field(() => String, { nullable: true })
  closedAt?: string | null;
  @Field(() => [String], { description: 'Deadlines missed and escalated: FIRST_RESPONSE, RESOLUTION' })
  escalations!: string[];
  @Field(() => String, { nullable: true })
  rejectionReason?: string | null;
  @Field(() => String, { nullable: true })
  resolution?: string | null;
  @Field(() => Int, { nullable: true })
  rating?: number | null;
  @Field(() => Int)
  reopenedCount!: number;
  @Field(() => [ComplaintStep])
  history!: ComplaintStep[];
}

export const ComplaintConnection = connectionType('Complaint', Complaint, {
  totalDescription: 'Complaints matching the filter, over all pages',
});

@ObjectType({ description: 'How many complaints: counts only, never content (partners and the city office)' })
export class ComplaintCount {
  @Field(() => FacilityRef, { nullable: true })
  facility?: FacilityRef | null;
  @Field(() => ComplaintStatusEnum)
  status!: ComplaintStatusEnum;
  @Field(() => String)
  category!: string;
  @Field(() => Int)
  count!: number;
}

@InputType()
export class ComplaintAttachmentInput {
  @Field(() => String)
  url!: string;
  @Field(() => String, { nullable: true })
  mediaType?: string | null;
}

@InputType()
export class SubmitComplaintInput {
  @Field(() => ComplaintSubjectEnum)
  subjectType!: ComplaintSubjectEnum;
  @Field(() => ID, { nullable: true })
  subjectId?: string | null;
  @Field(() => ID, { nullable: true })
  facilityId?: string | null;
  @Field(() => String, { description: 'A code of complaintCategories(subjectType)' })
  category!: string;
  @Field(() => String)
  description!: string;
  @Field(() => [ComplaintAttachmentInput], { nullable: true })
  attachments?: ComplaintAttachmentInput[] | null;
  @Field(() => ComplaintChannelEnum, { nullable: true, description: 'Staff: how the complaint reached them' })
  channel?: ComplaintChannelEnum | null;
  @Field(() => String, { nullable: true, description: "Staff: the citizen's account id, when they have one (they can then follow it)" })
  citizenAccount?: string | null;
}

@InputType()
export class AssignComplaintInput {
  @Field(() => HandlingEnum, { nullable: true })
  handling?: HandlingEnum | null;
  @Field(() => String, { nullable: true })
  note?: string | null;
}

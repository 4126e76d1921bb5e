import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';

@ObjectType({ description: 'One of the nine SKM elements (PermenPANRB 14/2017)' })
export class SkmElement {
  @Field(() => String, { description: 'U1 to U9' })
  code!: string;
  @Field(() => String, { description: 'The field of AnswerSurveyInput' })
  key!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String)
  nameEn!: string;
}

@ObjectType()
export class SkmElementScore {
  @Field(() => String)
  code!: string;
  @Field(() => String)
  name!: string;
  @Field(() => Float, { description: 'Average of the answers, 1 to 4' })
  average!: number;
}

@ObjectType({
  description: 'The SKM index over a period; suppressed (numbers withheld) below the minimum of answers outside the city office',
})
export class SatisfactionIndex {
  @Field(() => String)
  from!: string;
  @Field(() => String)
  to!: string;
  @Field(() => Boolean)
  suppressed!: boolean;
  @Field(() => Int, { nullable: true })
  responses?: number | null;
  @Field(() => Float, { nullable: true, description: 'IKM: the weighted average of the nine elements (1 to 4)' })
  ikm?: number | null;
  @Field(() => Float, { nullable: true, description: 'IKM × 25 (25 to 100)' })
  value?: number | null;
  @Field(() => String, { nullable: true, description: 'Quality band A (sangat baik) to D (tidak baik)' })
  band?: string | null;
  @Field(() => String, { nullable: true })
  bandName?: string | null;
  @Field(() => String, { nullable: true })
  bandNameEn?: string | null;
  @Field(() => [SkmElementScore])
  elements!: SkmElementScore[];
}

@ObjectType()
export class FacilitySatisfaction {
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => SatisfactionIndex)
  satisfaction!: SatisfactionIndex;
}

@ObjectType()
export class CitySatisfaction {
  @Field(() => SatisfactionIndex)
  city!: SatisfactionIndex;
  @Field(() => [FacilitySatisfaction])
  facilities!: FacilitySatisfaction[];
}

@ObjectType({ description: "A completed visit's survey invitation (one answer per visit)" })
export class SurveyInvitation {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  visitDate!: string;
  @Field(() => Boolean)
  answered!: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      "The single-use link token (/survey/<token>); for the visitor's side only (null for staff, once answered and after the link expired)",
  })
  token?: string | null;
}

@ObjectType({
  description: 'The visit a survey link is for: the facility and the day, nothing about the person (/survey/<token>, no account needed)',
})
export class SurveyLink {
  @Field(() => FacilityRef)
  facility!: FacilityRef;
  @Field(() => String)
  visitDate!: string;
  @Field(() => String, { description: 'After this the link is refused' })
  expiresAt!: string;
}

@InputType()
export class AnswerSurveyInput {
  @Field(() => String)
  token!: string;
  @Field(() => Int, { description: 'U1 Persyaratan, 1 to 4' })
  requirements!: number;
  @Field(() => Int, { description: 'U2 Sistem, mekanisme, dan prosedur' })
  procedure!: number;
  @Field(() => Int, { description: 'U3 Waktu penyelesaian' })
  completionTime!: number;
  @Field(() => Int, { description: 'U4 Biaya/tarif' })
  cost!: number;
  @Field(() => Int, { description: 'U5 Produk spesifikasi jenis pelayanan' })
  serviceProduct!: number;
  @Field(() => Int, { description: 'U6 Kompetensi pelaksana' })
  staffCompetence!: number;
  @Field(() => Int, { description: 'U7 Perilaku pelaksana' })
  staffConduct!: number;
  @Field(() => Int, { description: 'U8 Penanganan pengaduan, saran, dan masukan' })
  complaintHandling!: number;
  @Field(() => Int, { description: 'U9 Sarana dan prasarana' })
  facilities!: number;
  @Field(() => String, { nullable: true })
  suggestion?: string | null;
}

@ObjectType()
export class SurveyReceipt {
  @Field(() => ID)
  invitationId!: string;
}

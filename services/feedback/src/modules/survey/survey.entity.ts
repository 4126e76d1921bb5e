import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One invitation per completed appointment (from booking's appointment.completed). */
@Entity({ tableName: 'survey_invitation' })
export class SurveyInvitationEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', unique: true })
  appointmentId!: string;

  @Index()
  @Property({ type: 'uuid' })
  facilityId!: string;

  @Property({ type: 'date' })
  visitDate!: string;

  /** Whoever may see the appointment gets it through Appointment.survey; it answers the survey once. */
  @Property({ type: 'string', length: 43, unique: true })
  token!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  answeredAt?: Date | null;
}

/** One answer per visit: the nine elements (1 to 4), no account, no name. */
@Entity({ tableName: 'survey_response' })
export class SurveyResponseEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', unique: true })
  invitationId!: string;

  @Index()
  @Property({ type: 'uuid' })
  facilityId!: string;

  @Index()
  @Property({ type: 'date' })
  visitDate!: string;

  @Property({ type: 'datetime' })
  answeredAt!: Date;

  @Property({ type: 'integer' })
  u1!: number;

  @Property({ type: 'integer' })
  u2!: number;

  @Property({ type: 'integer' })
  u3!: number;

  @Property({ type: 'integer' })
  u4!: number;

  @Property({ type: 'integer' })
  u5!: number;

  @Property({ type: 'integer' })
  u6!: number;

  @Property({ type: 'integer' })
  u7!: number;

  @Property({ type: 'integer' })
  u8!: number;

  @Property({ type: 'integer' })
  u9!: number;

  @Property({ type: 'text', nullable: true })
  suggestion?: string | null;
}

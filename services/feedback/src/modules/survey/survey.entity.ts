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

  /**
   * SHA-256 (hex) of the single-use token; the token itself is never stored (survey.rules.ts makes it from
   * the id under the service's key, for whoever may see the appointment: Appointment.survey, /survey/<token>).
   */
  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  /** After this the link is refused (FEEDBACK_SURVEY_TOKEN_DAYS after the visit was completed). */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

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

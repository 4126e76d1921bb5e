import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export type SubjectType = 'FACILITY' | 'SESSION' | 'APPOINTMENT' | 'DOSE' | 'WEBSITE';
export type ComplaintStatus = 'SUBMITTED' | 'ASSIGNED' | 'IN_PROGRESS' | 'RESOLVED' | 'CLOSED' | 'REJECTED';
export type Handling = 'SIMPLE' | 'DESK' | 'FIELD';
export type Channel = 'WEB' | 'WALK_IN' | 'PHONE' | 'LETTER' | 'SOCIAL_MEDIA';

/** A complaint (pengaduan). No names, NIKs or phones: the citizen is their account id; attachments are references. */
@Entity({ tableName: 'complaint' })
export class ComplaintEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** What the citizen quotes (ADU-YYMMDD-XXXXXX). */
  @Property({ type: 'string', length: 20, unique: true })
  reference!: string;

  @Property({ type: 'string', length: 12 })
  subjectType!: SubjectType;

  /** The session, appointment or dose complained about (null for the facility itself or the website). */
  @Property({ type: 'uuid', nullable: true })
  subjectId?: string | null;

  /** Whose queue it is in; null: the city office's (the website). */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  facilityId?: string | null;

  @Property({ type: 'string', length: 40 })
  category!: string;

  @Property({ type: 'string', length: 8 })
  handling!: Handling;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'json' })
  attachments: { url: string; mediaType: string | null }[] = [];

  @Property({ type: 'string', length: 12 })
  channel!: Channel;

  /** `role:sub` of whoever entered it (the citizen, or staff on the citizen's behalf). */
  @Property({ type: 'string', length: 100 })
  submittedBy!: string;

  /** The citizen's account (sub): who follows, rates and may reopen it. */
  @Index()
  @Property({ type: 'string', length: 100, nullable: true })
  citizenAccount?: string | null;

  @Index()
  @Property({ type: 'string', length: 12 })
  status!: ComplaintStatus;

  @Property({ type: 'string', length: 100, nullable: true })
  assignedTo?: string | null;

  @Property({ type: 'text', nullable: true })
  rejectionReason?: string | null;

  @Property({ type: 'text', nullable: true })
  resolution?: string | null;

  @Property({ type: 'integer', nullable: true })
  rating?: number | null;

  @Property({ type: 'datetime' })
  submittedAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  firstResponseAt?: Date | null;

  @Property({ type: 'datetime' })
  responseDueAt!: Date;

  @Property({ type: 'datetime' })
  resolutionDueAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  resolvedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  closedAt?: Date | null;

  @Property({ type: 'integer' })
  reopenedCount: number = 0;

  @Property({ type: 'datetime', nullable: true })
  responseEscalatedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  resolutionEscalatedAt?: Date | null;
}

/** One step of a complaint's history: what the citizen and the staff see happen, with the answer's text. */
@Entity({ tableName: 'complaint_event' })
export class ComplaintEventEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid' })
  complaintId!: string;

  @Property({ type: 'datetime' })
  at!: Date;

  /** citizen, health-worker, admin or system (the deadline timer). */
  @Property({ type: 'string', length: 20 })
  actorRole!: string;

  @Property({ type: 'string', length: 30 })
  action!: string;

  @Property({ type: 'string', length: 12, nullable: true })
  toStatus?: string | null;

  @Property({ type: 'text', nullable: true })
  note?: string | null;
}

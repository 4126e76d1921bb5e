import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** An adverse event following immunization (KIPI) reported against a dose. */
@Entity({ tableName: 'adverse_event' })
export class AdverseEventEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid' })
  doseRecordId!: string;

  @Property({ type: 'uuid' })
  personId!: string;

  @Property({ type: 'datetime' })
  onsetAt!: Date;

  /** NON_SERIOUS or SERIOUS */
  @Property({ type: 'string', length: 12 })
  severity!: string;

  @Property({ type: 'text' })
  symptoms!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** RECOVERED, RECOVERING, NOT_RECOVERED, HOSPITALISED, DIED, UNKNOWN */
  @Property({ type: 'string', length: 20 })
  outcome!: string;

  @Property({ type: 'string', length: 100 })
  reportedBy!: string;

  @Property({ type: 'string', length: 20 })
  reporterRole!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

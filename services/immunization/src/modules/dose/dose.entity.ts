import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

export type DoseStatusValue = 'ACTIVE' | 'SUPERSEDED' | 'VOIDED';

/**
 * One administered dose. Records are never edited: a correction writes a new record and marks the
 * old one SUPERSEDED (or VOIDED), linking both ways.
 */
@Entity({ tableName: 'dose_record' })
// Partial: only entries captured on a device carry one (Migration20261202030000_client_record_id).
@Unique({
  name: 'dose_record_facility_client_record',
  expression:
    'create unique index "dose_record_facility_client_record" on "dose_record" ("facility_id", "client_record_id") where "client_record_id" is not null',
})
export class DoseRecordEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid' })
  personId!: string;

  @Property({ type: 'string', length: 30 })
  programme!: string;

  @Property({ type: 'string', length: 30 })
  doseKind!: string;

  @Property({ type: 'string', length: 30 })
  antigen!: string;

  @Property({ type: 'integer' })
  doseNumber!: number;

  @Property({ type: 'string', length: 30 })
  productCode!: string;

  @Property({ type: 'string', length: 40 })
  lotNumber!: string;

  @Property({ type: 'date', nullable: true })
  expirationDate?: string | null;

  @Property({ type: 'datetime' })
  administeredAt!: Date;

  @Property({ type: 'uuid' })
  facilityId!: string;

  /** Account id of the vaccinator (or the importing operator). */
  @Property({ type: 'string', length: 100 })
  performerId!: string;

  @Property({ type: 'uuid', nullable: true })
  appointmentId?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  slipCode?: string | null;

  /** False when given too early (or after the maximum age): recorded, but it does not count. */
  @Property({ type: 'boolean' })
  valid!: boolean;

  @Property({ type: 'text', nullable: true })
  invalidReason?: string | null;

  /** ON_TIME or CATCH_UP for valid routine doses. */
  @Property({ type: 'string', length: 10, nullable: true })
  timing?: string | null;

  @Property({ type: 'string', length: 12 })
  status: DoseStatusValue = 'ACTIVE';

  /** person + programme + dose: the national record's identity of this dose (never delivered twice). */
  @Property({ type: 'string', length: 140 })
  dedupeKey!: string;

  /** Equal to dedupeKey while the record is active, null afterwards: one active record per dose. */
  @Property({ type: 'string', length: 140, nullable: true, unique: true })
  activeKey?: string | null;

  @Property({ type: 'uuid', nullable: true })
  supersedesId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  supersededById?: string | null;

  @Property({ type: 'text', nullable: true })
  correctionReason?: string | null;

  /** Why the dose was given against an appointment of another day (recorded by the health worker). */
  @Property({ type: 'text', nullable: true })
  offScheduleReason?: string | null;

  /** RECORDED or IMPORTED */
  @Property({ type: 'string', length: 10 })
  source: string = 'RECORDED';

  @Property({ type: 'string', length: 100, nullable: true, unique: true })
  importRecordId?: string | null;

  /**
   * The id the recording device made for this entry (offline capture): the idempotency key of
   * recordDose, unique per facility, so a re-sent entry returns this record instead of a second one.
   */
  @Property({ type: 'uuid', nullable: true })
  clientRecordId?: string | null;

  /** Who gave the dose when it is not the signed-in recorder (a posyandu's bidan or kader). */
  @Property({ type: 'string', length: 100, nullable: true })
  vaccinatorName?: string | null;

  @Property({ type: 'datetime' })
  recordedAt: Date = new Date();
}

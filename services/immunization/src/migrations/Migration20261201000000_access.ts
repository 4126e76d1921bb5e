import { Migration } from '@mikro-orm/migrations';

/**
 * What the access policy reads (src/policy.ts):
 * - facility_appointment: booking's appointments as far as this service needs them (from its events),
 *   so a health worker sees the people booked at their facility and records doses only against
 *   their facility's appointments.
 * - person_facility_link: a person who walked in at a facility after someone else registered them.
 * - person_claim_code: a one-time code a health worker hands a person in front of them, with which a new
 *   citizen account claims a record it did not create (an ID card alone is not proof).
 * - dose_record.off_schedule_reason: why a dose was given against an appointment of another day.
 */
export class Migration20261201000000_access extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "facility_appointment" (
      "id" uuid not null primary key,
      "facility_id" uuid not null,
      "session_date" date not null,
      "nik_hash" varchar(64) null,
      "status" varchar(20) not null
    );`);
    this.addSql(
      `create index "facility_appointment_nik_hash" on "facility_appointment" ("nik_hash", "facility_id") where "nik_hash" is not null;`,
    );
    this.addSql(`create table "person_facility_link" (
      "person_id" uuid not null,
      "facility_id" uuid not null,
      "created_at" timestamptz not null default now(),
      primary key ("person_id", "facility_id")
    );`);
    this.addSql(`create table "person_claim_code" (
      "person_id" uuid not null primary key,
      "code_hash" varchar(64) not null,
      "issued_by" varchar(100) not null,
      "expires_at" timestamptz not null
    );`);
    this.addSql(`alter table "dose_record" add column "off_schedule_reason" text null;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions, slots, appointments and the local projections booking decides with. These tables are
 * written with raw SQL only (atomic conditional statements, a partial unique index, check constraints),
 * so they have no ORM entity.
 */
export class Migration20261123000100_booking extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "facility" add column "email" varchar(200) null;`);

    this.addSql(`create table "session" (
      "id" uuid not null primary key,
      "facility_id" uuid not null references "facility" ("id"),
      "date" date not null,
      "start_time" varchar(5) not null,
      "end_time" varchar(5) not null,
      "programme" varchar(40) not null,
      "product_code" varchar(40) not null,
      "dose_kinds" text[] not null,
      "capacity" int not null,
      "booked" int not null default 0,
      "served_count" int not null default 0,
      "next_queue" int not null default 0,
      "status" varchar(10) not null default 'OPEN',
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "session_booked_within_capacity" check ("booked" >= 0 and "booked" <= "capacity")
    );`);
    this.addSql(`create index "session_order" on "session" ("date", "start_time", "id");`);
    this.addSql(`create index "session_facility_date" on "session" ("facility_id", "date");`);

    // Per-slot counters: the one row a booking decision updates conditionally.
    this.addSql(`create table "slot" (
      "id" uuid not null primary key,
      "session_id" uuid not null references "session" ("id") on delete cascade,
      "start_time" varchar(5) not null,
      "end_time" varchar(5) not null,
      "capacity" int not null,
      "booked" int not null default 0,
      constraint "slot_booked_within_capacity" check ("booked" >= 0 and "booked" <= "capacity")
    );`);
    this.addSql(`create index "slot_session" on "slot" ("session_id", "start_time");`);

    this.addSql(`create table "appointment" (
      "id" uuid not null primary key,
      "session_id" uuid not null references "session" ("id"),
      "slot_id" uuid not null references "slot" ("id"),
      "facility_id" uuid not null,
      "programme" varchar(40) not null,
      "product_code" varchar(40) not null,
      "dose_kind" varchar(40) not null,
      "session_date" date not null,
      "queue_number" int not null,
      "slip_code" varchar(8) not null,
      "status" varchar(12) not null,
      "walk_in" boolean not null default false,
      "nik_hash" varchar(64) not null,
      "nik_enc" text not null,
      "name_enc" text not null,
      "birth_date" date not null,
      "sex" varchar(6) not null,
      "phone_hash" varchar(64) null,
      "residence_kelurahan_code" varchar(20) not null,
      "booked_by" varchar(100) null,
      "booked_at" timestamptz not null default now(),
      "checked_in_at" timestamptz null,
      "completed_at" timestamptz null,
      "cancelled_at" timestamptz null,
      "dose_record_id" uuid null,
      constraint "appointment_queue_unique" unique ("session_id", "queue_number")
    );`);
    // A person holds at most one live appointment per dose kind, whatever the concurrency.
    this.addSql(
      `create unique index "appointment_one_live_per_dose" on "appointment" ("nik_hash", "programme", "dose_kind") where "status" in ('BOOKED', 'CHECKED_IN');`,
    );
    this.addSql(`create index "appointment_nik" on "appointment" ("nik_hash");`);
    this.addSql(`create index "appointment_booked_by" on "appointment" ("booked_by") where "booked_by" is not null;`);
    this.addSql(`create index "appointment_session_status" on "appointment" ("session_id", "status");`);
    this.addSql(`create index "appointment_facility_day" on "appointment" ("facility_id", "session_date");`);

    // Live appointments per phone (family limit), kept in step with appointment status changes.
    this.addSql(`create table "phone_quota" (
      "phone_hash" varchar(64) not null primary key,
      "live" int not null default 0 check ("live" >= 0)
    );`);

    // Projection of inventory's stock.usable-changed events.
    this.addSql(`create table "stock_level" (
      "facility_id" uuid not null,
      "product_code" varchar(40) not null,
      "usable_doses" int not null,
      "changed_at" timestamptz not null,
      primary key ("facility_id", "product_code")
    );`);
    // Live appointments per facility and product: what booking has promised out of that stock.
    this.addSql(`create table "stock_commitment" (
      "facility_id" uuid not null,
      "product_code" varchar(40) not null,
      "committed" int not null default 0 check ("committed" >= 0),
      primary key ("facility_id", "product_code")
    );`);

    // Projection of immunization's dose.recorded / dose.corrected events (eligibility).
    this.addSql(`create table "dose_history" (
      "dose_record_id" uuid not null primary key,
      "nik_hash" varchar(64) not null,
      "programme" varchar(40) not null,
      "dose_kind" varchar(40) not null,
      "product_code" varchar(40) not null,
      "administered_on" date not null,
      "valid" boolean not null
    );`);
    this.addSql(`create index "dose_history_nik" on "dose_history" ("nik_hash");`);

    this.addSql(`create table "idempotency_key" (
      "operation" varchar(40) not null,
      "key" varchar(200) not null,
      "request_hash" varchar(64) not null,
      "result" jsonb not null,
      "created_at" timestamptz not null default now(),
      primary key ("operation", "key")
    );`);
    this.addSql(`create index "idempotency_key_created" on "idempotency_key" ("created_at");`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Targets and the read models that reporting maintains from other services' events. These tables are
 * touched only with SQL (no entities): the consumers update them with one statement per change.
 */
export class Migration20261123000002_projections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "target" (
      "id" bigserial primary key,
      "area_code" varchar(20) not null,
      "programme" varchar(40) not null,
      "dose" varchar(40) not null,
      "year" int not null,
      "effective_from" date not null,
      "effective_to" date null,
      "population" int not null check ("population" >= 0),
      "imported_at" timestamptz not null default now(),
      unique ("area_code", "programme", "dose", "year", "effective_from")
    );`);
    this.addSql(`create index "target_programme_dose" on "target" ("programme", "dose", "effective_from");`);

    // One row per dose record seen; a superseded or voided record stays with active = false.
    this.addSql(`create table "dose_fact" (
      "dose_record_id" uuid primary key,
      "person_id" uuid not null,
      "programme" varchar(40) not null,
      "dose_kind" varchar(40) not null,
      "administered_at" timestamptz not null,
      "administered_on" date not null,
      "valid" boolean not null,
      "active" boolean not null,
      "kelurahan_code" varchar(20) not null
    );`);
    this.addSql(`create index "dose_fact_person_kind" on "dose_fact" ("person_id", "programme", "dose_kind");`);

    // People counted per kelurahan, programme and dose kind: the running total and the day each person first counted.
    this.addSql(`create table "coverage_total" (
      "programme" varchar(40) not null,
      "dose_kind" varchar(40) not null,
      "kelurahan_code" varchar(20) not null,
      "people" int not null,
      primary key ("programme", "dose_kind", "kelurahan_code")
    );`);
    this.addSql(`create table "coverage_daily" (
      "programme" varchar(40) not null,
      "dose_kind" varchar(40) not null,
      "kelurahan_code" varchar(20) not null,
      "day" date not null,
      "people" int not null,
      primary key ("programme", "dose_kind", "day", "kelurahan_code")
    );`);

    // Children of the routine programme and their indicator status (recomputed per child on each routine dose).
    this.addSql(`create table "child_status" (
      "person_id" uuid primary key,
      "birth_date" date not null,
      "kelurahan_code" varchar(20) not null,
      "idl" boolean not null default false,
      "ibl" boolean not null default false,
      "dpt1" boolean not null default false,
      "mr1" boolean not null default false
    );`);
    this.addSql(`create index "child_status_birth_date" on "child_status" ("birth_date");`);

    this.addSql(`create table "appointment_fact" (
      "appointment_id" uuid primary key,
      "facility_id" uuid not null,
      "session_date" date not null,
      "product_code" varchar(40) not null,
      "status" varchar(20) not null
    );`);
    this.addSql(`create index "appointment_fact_facility_date" on "appointment_fact" ("facility_id", "session_date");`);
    this.addSql(`create index "appointment_fact_date" on "appointment_fact" ("session_date");`);

    this.addSql(`create table "stock_lot" (
      "facility_id" uuid not null,
      "product_code" varchar(40) not null,
      "lot_number" varchar(60) not null,
      "balance" int not null,
      primary key ("facility_id", "product_code", "lot_number")
    );`);
    // End-of-day on hand and the day's lowest level (0 = a stock-out during the day), per facility and product.
    this.addSql(`create table "stock_day" (
      "facility_id" uuid not null,
      "product_code" varchar(40) not null,
      "day" date not null,
      "on_hand" int not null,
      "min_on_hand" int not null,
      "received" int not null default 0,
      "administered" int not null default 0,
      "used" int not null default 0,
      primary key ("facility_id", "product_code", "day")
    );`);
    this.addSql(`create index "stock_day_day" on "stock_day" ("day");`);
  }
}

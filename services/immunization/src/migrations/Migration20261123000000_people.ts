import { Migration } from '@mikro-orm/migrations';

/** The registry: people, guardians, dose records, adverse events and the national delivery queue. */
export class Migration20261123000000_people extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "person" (
      "id" uuid not null primary key,
      "nik_hash" varchar(64) null,
      "nik_encrypted" text null,
      "full_name_encrypted" text not null,
      "birth_date" date not null,
      "sex" varchar(6) not null,
      "birth_weight_grams" int null,
      "mother_nik_hash" varchar(64) null,
      "mother_nik_encrypted" text null,
      "residence_kelurahan_code" varchar(20) not null,
      "is_child" boolean not null,
      "account_id" varchar(100) null,
      "registered_by_facility_id" uuid null,
      "ihs_number" varchar(40) null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`alter table "person" add constraint "person_nik_hash_unique" unique ("nik_hash");`);
    this.addSql(`alter table "person" add constraint "person_account_id_unique" unique ("account_id");`);
    this.addSql(`create index "person_mother_nik_hash_index" on "person" ("mother_nik_hash");`);

    this.addSql(`create table "person_guardian" (
      "id" uuid not null primary key,
      "person_id" uuid not null,
      "account_id" varchar(100) not null,
      "relationship" varchar(20) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "person_guardian_account_id_index" on "person_guardian" ("account_id");`);
    this.addSql(
      `alter table "person_guardian" add constraint "person_guardian_person_id_account_id_unique" unique ("person_id", "account_id");`,
    );

    this.addSql(`create table "dose_record" (
      "id" uuid not null primary key,
      "person_id" uuid not null,
      "programme" varchar(30) not null,
      "dose_kind" varchar(30) not null,
      "antigen" varchar(30) not null,
      "dose_number" int not null,
      "product_code" varchar(30) not null,
      "lot_number" varchar(40) not null,
      "expiration_date" date null,
      "administered_at" timestamptz not null,
      "facility_id" uuid not null,
      "performer_id" varchar(100) not null,
      "appointment_id" uuid null,
      "slip_code" varchar(20) null,
      "valid" boolean not null,
      "invalid_reason" text null,
      "timing" varchar(10) null,
      "status" varchar(12) not null default 'ACTIVE',
      "dedupe_key" varchar(140) not null,
      "active_key" varchar(140) null,
      "supersedes_id" uuid null,
      "superseded_by_id" uuid null,
      "correction_reason" text null,
      "source" varchar(10) not null default 'RECORDED',
      "import_record_id" varchar(100) null,
      "recorded_at" timestamptz not null
    );`);
    this.addSql(`create index "dose_record_person_id_index" on "dose_record" ("person_id");`);
    this.addSql(`create index "dose_record_facility_id_index" on "dose_record" ("facility_id");`);
    this.addSql(`alter table "dose_record" add constraint "dose_record_active_key_unique" unique ("active_key");`);
    this.addSql(`alter table "dose_record" add constraint "dose_record_import_record_id_unique" unique ("import_record_id");`);

    this.addSql(`create table "adverse_event" (
      "id" uuid not null primary key,
      "dose_record_id" uuid not null,
      "person_id" uuid not null,
      "onset_at" timestamptz not null,
      "severity" varchar(12) not null,
      "symptoms" text not null,
      "description" text null,
      "outcome" varchar(20) not null,
      "reported_by" varchar(100) not null,
      "reporter_role" varchar(20) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "adverse_event_dose_record_id_index" on "adverse_event" ("dose_record_id");`);

    // Delivery to the national record (raw SQL only): one row per dose identity (person + programme +
    // dose), written in the same transaction as the record, worked off by the delivery worker.
    this.addSql(`create table "national_delivery" (
      "id" bigserial primary key,
      "dedupe_key" varchar(140) not null unique,
      "person_id" uuid not null,
      "dose_record_id" uuid null,
      "status" varchar(12) not null default 'PENDING',
      "version" int not null default 1,
      "delivered_version" int null,
      "remote_id" varchar(100) null,
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz not null default now(),
      "last_error" text null,
      "delivered_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "national_delivery_due" on "national_delivery" ("next_attempt_at") where "status" = 'PENDING';`);
    this.addSql(`create index "national_delivery_record" on "national_delivery" ("dose_record_id");`);
    this.addSql(`create index "national_delivery_person" on "national_delivery" ("person_id");`);
  }
}

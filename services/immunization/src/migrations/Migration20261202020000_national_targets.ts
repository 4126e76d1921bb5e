import { Migration } from '@mikro-orm/migrations';

/** The visit of a dose record: person, facility and Jakarta day (SQL over dose_record columns). */
export const VISIT_KEY_SQL = (r: string) =>
  `${r}.person_id::text || '|' || ${r}.facility_id::text || '|' || to_char(${r}.administered_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD')`;

/**
 * National delivery to more than one target (SATUSEHAT and BPJS PCare), per visit, with the identities
 * SATUSEHAT needs: the delivery queue gets a target, a visit and a problem a person can fix; visits keep
 * their Encounter (SATUSEHAT) or registration (PCare); facilities' SATUSEHAT ids come from booking's events;
 * health workers' IHS Practitioner ids are cached by the NIK an admin registered.
 */
export class Migration20261202020000_national_targets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "national_delivery" add column "target" varchar(12) not null default 'SATUSEHAT';`);
    this.addSql(`alter table "national_delivery" add column "visit_key" varchar(200) null;`);
    this.addSql(`alter table "national_delivery" add column "problem" varchar(40) null;`);
    this.addSql(`alter table "national_delivery" alter column "status" type varchar(16);`);
    this.addSql(`alter table "national_delivery" drop constraint if exists "national_delivery_dedupe_key_key";`);
    this.addSql(
      `alter table "national_delivery" add constraint "national_delivery_target_dedupe_key_unique" unique ("target", "dedupe_key");`,
    );
    this.addSql(`drop index if exists "national_delivery_due";`);
    this.addSql(`create index "national_delivery_due" on "national_delivery" ("target", "next_attempt_at") where "status" = 'PENDING';`);
    this.addSql(`create index "national_delivery_visit" on "national_delivery" ("target", "visit_key") where "status" = 'PENDING';`);
    this.addSql(
      `update "national_delivery" d set "visit_key" = ${VISIT_KEY_SQL('r')}
       from (select distinct on (dedupe_key) * from dose_record order by dedupe_key, (status = 'ACTIVE') desc, recorded_at desc) r
       where r.dedupe_key = d.dedupe_key;`,
    );
    // Records queued before PCare existed go there too.
    this.addSql(
      `insert into "national_delivery" ("target", "dedupe_key", "person_id", "dose_record_id", "visit_key")
       select 'PCARE', "dedupe_key", "person_id", "dose_record_id", "visit_key" from "national_delivery" where "target" = 'SATUSEHAT'
       on conflict do nothing;`,
    );

    this.addSql(`create table "national_visit" (
      "target" varchar(12) not null,
      "visit_key" varchar(200) not null,
      "remote_id" varchar(100) null,
      "status" varchar(12) not null default 'OPEN',
      "last_dose_at" timestamptz not null,
      "finished_at" timestamptz null,
      "finish_attempts" int not null default 0,
      "next_finish_at" timestamptz not null default now(),
      "last_error" text null,
      "created_at" timestamptz not null default now(),
      primary key ("target", "visit_key")
    );`);
    this.addSql(`create index "national_visit_open" on "national_visit" ("target") where "status" = 'OPEN';`);

    this.addSql(`create table "satusehat_facility" (
      "facility_id" uuid not null primary key,
      "organization_id" varchar(64) null,
      "location_id" varchar(64) null,
      "updated_at" timestamptz not null default now()
    );`);

    this.addSql(`create table "satusehat_practitioner" (
      "account_id" varchar(100) not null primary key,
      "nik_encrypted" text not null,
      "ihs_id" varchar(64) null,
      "looked_up_at" timestamptz null,
      "updated_at" timestamptz not null default now()
    );`);
  }
}

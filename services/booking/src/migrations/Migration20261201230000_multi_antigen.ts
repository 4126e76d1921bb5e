import { Migration } from '@mikro-orm/migrations';

/**
 * One visit, several vaccines (issue 15, item 3): a session may offer more products than its main one,
 * and an appointment for several antigens keeps one row per antigen, each holding its own unit of stock
 * until it is given, marked not given, or the appointment ends. Single-antigen appointments have no rows
 * here and work as before.
 */
export class Migration20261201230000_multi_antigen extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "session_offer" (
      "session_id" uuid not null references "session" ("id") on delete cascade,
      "product_code" varchar(40) not null,
      "dose_kinds" text[] not null,
      primary key ("session_id", "product_code")
    );`);
    this.addSql(`create table "appointment_dose" (
      "appointment_id" uuid not null references "appointment" ("id"),
      "dose_kind" varchar(40) not null,
      "product_code" varchar(40) not null,
      "nik_hash" varchar(64) not null,
      "programme" varchar(40) not null,
      "status" varchar(12) not null default 'BOOKED',
      "dose_record_id" uuid null,
      primary key ("appointment_id", "dose_kind")
    );`);
    // The same person never holds two live places for one dose, whether as a single or a multi-antigen visit.
    this.addSql(
      `create unique index "appointment_dose_one_live" on "appointment_dose" ("nik_hash", "programme", "dose_kind") where "status" = 'BOOKED';`,
    );
  }
}

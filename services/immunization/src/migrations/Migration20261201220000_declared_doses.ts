import { Migration } from '@mikro-orm/migrations';

/**
 * Doses given elsewhere (issue 15, item 5): what a citizen declares (programme, dose, date, place,
 * optional lot). A PENDING declaration counts in the forecast (as DECLARED) but is no dose record, so
 * coverage never sees it; a health worker's confirmation writes the dose record (source DECLARED) that
 * coverage and the national record then receive; a rejection keeps the row for the audit trail.
 */
export class Migration20261201220000_declared_doses extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "declared_dose" (
      "id" uuid not null primary key,
      "person_id" uuid not null,
      "programme" varchar(30) not null,
      "dose_kind" varchar(30) not null,
      "given_on" date not null,
      "place" varchar(200) not null,
      "lot_number" varchar(40) null,
      "declared_by" varchar(100) not null,
      "status" varchar(10) not null default 'PENDING',
      "decided_by" varchar(100) null,
      "decided_at" timestamptz null,
      "reject_reason" text null,
      "dose_record_id" uuid null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "declared_dose_person" on "declared_dose" ("person_id");`);
    this.addSql(
      `create unique index "declared_dose_pending_once" on "declared_dose" ("person_id", "programme", "dose_kind") where "status" = 'PENDING';`,
    );
  }
}

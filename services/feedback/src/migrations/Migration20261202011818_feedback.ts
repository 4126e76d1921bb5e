import { Migration } from '@mikro-orm/migrations';

export class Migration20261202011818_feedback extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "record" (
      "id" uuid not null primary key,
      "facility_id" uuid not null,
      "title" varchar(200) not null,
      "created_by" varchar(100) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "record_facility_id_index" on "record" ("facility_id");`);
  }
}

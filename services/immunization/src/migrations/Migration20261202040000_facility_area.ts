import { Migration } from '@mikro-orm/migrations';

/**
 * The kelurahan each facility serves (booking owns facilities; seeded from data/demo-facilities.csv and kept
 * by facility.upserted): a facility's health workers see and vaccinate the children living in its kelurahan
 * (the posyandu's due list, issue 19 item 2).
 */
export class Migration20261202040000_facility_area extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "facility_area" (
      "facility_id" uuid not null primary key,
      "type" varchar(20) not null,
      "kelurahan_code" varchar(20) not null,
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "facility_area_kelurahan_index" on "facility_area" ("kelurahan_code");`);
    // The due list reads the children of one kelurahan.
    this.addSql(`create index "person_child_kelurahan_index" on "person" ("residence_kelurahan_code", "birth_date") where "is_child";`);
  }
}

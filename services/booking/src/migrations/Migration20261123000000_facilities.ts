import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_facilities extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "facility" (
      "id" uuid not null primary key,
      "code" varchar(40) not null,
      "name" varchar(200) not null,
      "type" varchar(20) not null,
      "kelurahan_code" varchar(20) not null,
      "kecamatan_code" varchar(20) not null,
      "address" varchar(300) not null,
      "latitude" double precision null,
      "longitude" double precision null,
      "phone" varchar(30) null,
      "opening_hours" jsonb not null,
      "active" boolean not null default true
    );`);
    this.addSql(`alter table "facility" add constraint "facility_code_unique" unique ("code");`);
    this.addSql(`create index "facility_type_index" on "facility" ("type");`);
    this.addSql(`create index "facility_kelurahan_code_index" on "facility" ("kelurahan_code");`);
    this.addSql(`create index "facility_kecamatan_code_index" on "facility" ("kecamatan_code");`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_areas extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "area" (
      "code" varchar(20) not null primary key,
      "level" varchar(12) not null,
      "name" varchar(100) not null,
      "parent_code" varchar(20) null
    );`);
    this.addSql(`create index "area_parent_code_index" on "area" ("parent_code");`);
  }
}

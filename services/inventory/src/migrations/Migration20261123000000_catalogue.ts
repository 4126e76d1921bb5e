import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_catalogue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "vaccine_product" (
      "code" varchar(40) not null primary key,
      "name" varchar(200) not null,
      "manufacturer" varchar(200) not null,
      "antigens" jsonb not null,
      "programme" varchar(40) not null,
      "presentation" varchar(40) not null,
      "doses_per_vial" int not null,
      "min_age_months" int not null,
      "max_age_months" int null,
      "dose_kinds" jsonb not null,
      "uses_vvm" boolean not null,
      "open_vial_hours" int null,
      "kfa_code" varchar(20) null,
      "cvx_code" varchar(10) null
    );`);
  }
}

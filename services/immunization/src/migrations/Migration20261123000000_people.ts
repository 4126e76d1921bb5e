import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_people extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "person" (
      "id" uuid not null primary key,
      "nik_hash" varchar(64) null,
      "nik_encrypted" text null,
      "full_name_encrypted" text not null,
      "birth_date" date not null,
      "sex" varchar(6) not null,
      "residence_kelurahan_code" varchar(20) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`alter table "person" add constraint "person_nik_hash_unique" unique ("nik_hash");`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Booking for a dependant by registry id (issue 15, item 1): projections of immunization's
 * person.registered and person.guardian-linked events, not a second registry. Only what a booking
 * decision needs: birth date and sex (eligibility), residence (coverage), and which accounts may act.
 */
export class Migration20261201000000_dependants extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "registry_person" (
      "person_id" uuid not null primary key,
      "birth_date" date not null,
      "sex" varchar(6) not null,
      "residence_kelurahan_code" varchar(20) not null,
      "is_child" boolean not null,
      "nik_hash" varchar(64) null
    );`);
    this.addSql(`create table "registry_guardian" (
      "person_id" uuid not null,
      "account_id" varchar(100) not null,
      primary key ("person_id", "account_id")
    );`);
  }
}

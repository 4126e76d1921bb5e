import { Migration } from '@mikro-orm/migrations';

/**
 * Fewer index writes per dose: every dose record, delivery and registered person pays for each index
 * on every insert, and the history import writes hundreds of thousands of them.
 * - dose_record(facility_id) and national_delivery(person_id): no query reads through them (access
 *   to a person's records goes through person_id; deliveries are read by dose record or by due time).
 * - person(mother_nik_hash) and person(account_id): most people have neither, so the indexes only
 *   hold the rows that have one (lookups always give a value, so they still use the index).
 */
export class Migration20261124000000_lean_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "dose_record_facility_id_index";`);
    this.addSql(`drop index if exists "national_delivery_person";`);
    this.addSql(`drop index if exists "person_mother_nik_hash_index";`);
    this.addSql(`create index "person_mother_nik_hash_index" on "person" ("mother_nik_hash") where "mother_nik_hash" is not null;`);
    this.addSql(`alter table "person" drop constraint if exists "person_account_id_unique";`);
    this.addSql(`create unique index "person_account_id_unique" on "person" ("account_id") where "account_id" is not null;`);
  }
}

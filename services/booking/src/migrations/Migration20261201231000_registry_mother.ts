import { Migration } from '@mikro-orm/migrations';

/**
 * A mother books for her child with her NIK and proof of herself (issue 15, item 1): booking projects only
 * the confirmed links of immunization's person.mother-confirmed (her NIK's keyed hash), never a pending one.
 */
export class Migration20261201231000_registry_mother extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "registry_mother" (
      "person_id" uuid not null primary key,
      "mother_nik_hash" varchar(64) not null
    );`);
  }
}

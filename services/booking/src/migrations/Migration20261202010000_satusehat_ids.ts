import { Migration } from '@mikro-orm/migrations';

/** A facility's SATUSEHAT Organization and Location ids (issue 22): national delivery needs both. */
export class Migration20261202010000_satusehat_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "facility" add column "satusehat_organization_id" varchar(64) null;`);
    this.addSql(`alter table "facility" add column "satusehat_location_id" varchar(64) null;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Doses imported from history: those stock cannot cover are GROUPED (one reconciliation item per
 * facility, product, lot and reason, however many doses), or IGNORED when the import keeps history
 * out of stock. Before, each became its own item and a large import flooded the list.
 */
export class Migration20261201000000_history_lots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "dose_administration" drop constraint if exists "dose_administration_status_check";`);
    this.addSql(
      `alter table "dose_administration" add constraint "dose_administration_status_check" check ("status" in ('TAKEN','FLAGGED','REVERSED','GROUPED','IGNORED'));`,
    );
    this.addSql(
      `create index "dose_administration_grouped_idx" on "dose_administration" ("facility_id", "product_code", "lot_number", "flag_reason") where "status" = 'GROUPED';`,
    );
  }
}

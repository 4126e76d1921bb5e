import { Migration } from '@mikro-orm/migrations';

/** The dashboard counts records SATUSEHAT refused for good; few rows, so a partial index keeps that cheap. */
export class Migration20261202010000_failed_deliveries extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "national_delivery_failed" on "national_delivery" ("dose_record_id") where "status" = 'FAILED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "national_delivery_failed";`);
  }
}

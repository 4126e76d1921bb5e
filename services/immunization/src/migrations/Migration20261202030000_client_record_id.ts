import { Migration } from '@mikro-orm/migrations';

/**
 * Offline capture: the device's own id for an entry is recordDose's idempotency key, unique per facility
 * (two facilities' devices never share a key space); and who gave the dose when someone else records it.
 */
export class Migration20261202030000_client_record_id extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "dose_record" add column "client_record_id" uuid null, add column "vaccinator_name" varchar(100) null;`);
    this.addSql(
      `create unique index "dose_record_facility_client_record" on "dose_record" ("facility_id", "client_record_id") where "client_record_id" is not null;`,
    );
  }
}

import { Migration } from '@mikro-orm/migrations';

/** An appointment booked by registry id (a child without NIK) names the person instead of a NIK hash. */
export class Migration20261201220000_appointment_person extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "facility_appointment" add column "person_id" uuid null;`);
    this.addSql(
      `create index "facility_appointment_person" on "facility_appointment" ("person_id", "facility_id") where "person_id" is not null;`,
    );
  }
}

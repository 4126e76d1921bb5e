import { Migration } from '@mikro-orm/migrations';

/** A school session is for one grade (issue 15, item 7): BIAS doses are decided by the grade, not only by age. */
export class Migration20261201232000_school_grade extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "session" add column "school_grade" int null;`);
  }
}

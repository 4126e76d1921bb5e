import { Migration } from '@mikro-orm/migrations';

/**
 * A trustworthy child registry (issue 15, item 4):
 * - person.mother_link: whether the mother's NIK on a child is proven (CONFIRMED: registered by a health
 *   worker, by the mother's own account, or with the mother's claim code; or confirmed by a health worker
 *   at a visit) or only typed in by a citizen account (PENDING). Null when no mother's NIK is on record.
 * - child_registration_key: registerChild's Idempotency-Key per account, with a hash of the request and
 *   the child it answered, so a retry answers the same child.
 */
export class Migration20261201210000_child_registry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person" add column "mother_link" varchar(10) null;`);
    this.addSql(`update "person" set "mother_link" = 'CONFIRMED' where "mother_nik_hash" is not null;`);
    this.addSql(`create table "child_registration_key" (
      "account_id" varchar(100) not null,
      "key" varchar(200) not null,
      "request_hash" varchar(64) not null,
      "person_id" uuid null,
      "created_at" timestamptz not null default now(),
      primary key ("account_id", "key")
    );`);
  }
}

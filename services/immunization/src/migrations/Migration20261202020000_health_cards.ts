import { Migration } from '@mikro-orm/migrations';

/**
 * Certificates (issue 20): one SMART Health Card per valid dose record and one per person bundling all
 * their valid doses (the school-enrolment record), signed when the dose is recorded, in the dose's own
 * transaction. A correction revokes the old cards (their `rid` enters the key's revocation list, whose
 * counter `ctr` goes up by one) and issues new ones; a voided dose revokes without a new dose card.
 * `health_card_key` holds the issuer key generated on first use when no key is configured
 * (CERTIFICATE_SIGNING_KEYS), sealed with the PII key.
 */
export class Migration20261202020000_health_cards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "health_card" (
      "id" uuid not null primary key,
      "person_id" uuid not null,
      "kind" varchar(6) not null,
      "dose_record_id" uuid null,
      "dose_record_ids" uuid[] not null,
      "kid" varchar(64) not null,
      "rid" varchar(24) not null,
      "jws" text not null,
      "status" varchar(8) not null default 'ACTIVE',
      "issued_at" timestamptz not null default now(),
      "revoked_at" timestamptz null,
      "revoke_reason" varchar(10) null,
      "replaced_by_id" uuid null
    );`);
    this.addSql(`create index "health_card_person" on "health_card" ("person_id");`);
    this.addSql(`create index "health_card_revoked" on "health_card" ("kid") where "status" = 'REVOKED';`);
    // Issuing is idempotent: one card per dose record, one active record card per person.
    this.addSql(`create unique index "health_card_dose_once" on "health_card" ("dose_record_id") where "kind" = 'DOSE';`);
    this.addSql(
      `create unique index "health_card_record_active" on "health_card" ("person_id") where "kind" = 'RECORD' and "status" = 'ACTIVE';`,
    );
    this.addSql(`create table "health_card_crl" ("kid" varchar(64) not null primary key, "ctr" integer not null default 0);`);
    this.addSql(`create table "health_card_key" (
      "kid" varchar(64) not null primary key,
      "private_jwk_sealed" text not null,
      "created_at" timestamptz not null default now()
    );`);
  }
}

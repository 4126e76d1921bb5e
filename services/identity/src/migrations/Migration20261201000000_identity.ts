import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_identity extends Migration {
  override async up(): Promise<void> {
    // Phones are personal data: a keyed hash for lookup and AES-GCM for showing the owner their own number.
    this.addSql(`create table "account" (
      "id" uuid not null primary key,
      "role" varchar(20) not null,
      "phone_hash" varchar(64) null,
      "phone_encrypted" text null,
      "username" varchar(64) null,
      "password_hash" text null,
      "facility_id" uuid null,
      "display_name" varchar(200) null,
      "totp_secret_encrypted" text null,
      "totp_pending_encrypted" text null,
      "totp_enabled" boolean not null default false,
      "totp_last_step" bigint null,
      "active" boolean not null default true,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create unique index "account_phone_hash_unique" on "account" ("phone_hash") where "phone_hash" is not null;`);
    this.addSql(`create unique index "account_username_unique" on "account" (lower("username")) where "username" is not null;`);
    this.addSql(`create table "sign_in_code" (
      "phone_hash" varchar(64) not null primary key,
      "code_hash" varchar(64) not null,
      "expires_at" timestamptz not null,
      "sent_at" timestamptz not null,
      "wrong_tries" int not null default 0,
      "locked_until" timestamptz null
    );`);
    this.addSql(`create table "refresh_token" (
      "id" uuid not null primary key,
      "family_id" uuid not null,
      "account_id" uuid not null references "account" ("id"),
      "token_hash" varchar(64) not null,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      "revoked_at" timestamptz null,
      "created_at" timestamptz not null default now()
    );`);
    this.addSql(`create unique index "refresh_token_hash_unique" on "refresh_token" ("token_hash");`);
    this.addSql(`create index "refresh_token_family_index" on "refresh_token" ("family_id");`);
    // Development and tests only: the SMS that would have been sent (production sends through the gateway adapter).
    this.addSql(`create table "dev_sms" (
      "id" bigserial primary key,
      "phone_hash" varchar(64) not null,
      "to_phone" varchar(20) not null,
      "text" text not null,
      "sent_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "dev_sms_phone_index" on "dev_sms" ("phone_hash", "sent_at");`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Lots, the append-only stock ledger and the balances derived from it. Everything here is written
 * with raw SQL by the stock service (conditional updates and row locks), so no entities map it.
 */
export class Migration20261123000010_stock extends Migration {
  override async up(): Promise<void> {
    // Where a facility is (kecamatan for the public board). Seeded from data/demo-facilities.csv.
    this.addSql(`create table "facility_directory" (
      "facility_id" uuid not null primary key,
      "code" varchar(60) not null,
      "name" varchar(200) not null,
      "type" varchar(40) not null,
      "kelurahan_code" varchar(20) not null,
      "kecamatan_code" varchar(20) not null
    );`);
    this.addSql(`create table "lot" (
      "id" uuid not null primary key,
      "product_code" varchar(40) not null references "vaccine_product" ("code"),
      "lot_number" varchar(60) not null,
      "expiry_date" date not null,
      "manufacturer" varchar(200) not null,
      "recalled_at" timestamptz null,
      "recall_reason" text null,
      "created_at" timestamptz not null default now(),
      constraint "lot_product_number_unique" unique ("product_code", "lot_number")
    );`);
    this.addSql(`create index "lot_expiry_idx" on "lot" ("expiry_date");`);
    // The maintained balance of one lot at one facility; only ever changed together with a ledger entry.
    this.addSql(`create table "stock_holding" (
      "facility_id" uuid not null,
      "lot_id" uuid not null references "lot" ("id"),
      "balance" int not null check ("balance" >= 0),
      "vvm_stage" smallint null check ("vvm_stage" between 1 and 4),
      "updated_at" timestamptz not null default now(),
      primary key ("facility_id", "lot_id")
    );`);
    this.addSql(`create index "stock_holding_lot_idx" on "stock_holding" ("lot_id");`);
    this.addSql(`create table "stock_ledger_entry" (
      "id" bigserial primary key,
      "facility_id" uuid not null,
      "lot_id" uuid not null references "lot" ("id"),
      "reason" varchar(30) not null check ("reason" in ('RECEIPT','TRANSFER_OUT','TRANSFER_IN','ADMINISTERED','OPENED_VIAL_DISCARD','EXPIRED','DAMAGED','COLD_CHAIN_FAILURE','RECALL','PHYSICAL_COUNT')),
      "quantity" int not null check ("quantity" <> 0 or "reason" = 'PHYSICAL_COUNT'),
      "balance_after" int not null check ("balance_after" >= 0),
      "actor" varchar(120) not null,
      "at" timestamptz not null default now(),
      "recorded_at" timestamptz not null default now(),
      "dose_record_id" uuid null,
      "transfer_id" uuid null,
      "counterpart_facility_id" uuid null,
      "note" text null,
      "source_key" varchar(200) null unique
    );`);
    this.addSql(`create index "stock_ledger_holding_idx" on "stock_ledger_entry" ("facility_id", "lot_id", "id");`);
    this.addSql(`create index "stock_ledger_at_idx" on "stock_ledger_entry" ("at");`);
    this.addSql(
      `create unique index "stock_ledger_dose_taken_unique" on "stock_ledger_entry" ("dose_record_id") where "reason" = 'ADMINISTERED' and "quantity" < 0;`,
    );
    // Append-only: corrections are new entries, never edits.
    this.addSql(`create function "stock_ledger_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'stock_ledger_entry is append-only (% refused)', tg_op using errcode = 'P0001'; end $$;`);
    this.addSql(`create trigger "stock_ledger_no_update" before update or delete on "stock_ledger_entry"
      for each row execute function "stock_ledger_append_only"();`);
    this.addSql(`create trigger "stock_ledger_no_truncate" before truncate on "stock_ledger_entry"
      for each statement execute function "stock_ledger_append_only"();`);
    // Every dose.recorded seen, once: whether its dose was taken from stock or is waiting for reconciliation.
    this.addSql(`create table "dose_administration" (
      "dose_record_id" uuid not null primary key,
      "facility_id" uuid not null,
      "product_code" varchar(40) not null,
      "lot_number" varchar(60) not null,
      "administered_at" timestamptz not null,
      "status" varchar(20) not null check ("status" in ('TAKEN','FLAGGED','REVERSED')),
      "flag_reason" varchar(30) null,
      "entry_id" bigint null references "stock_ledger_entry" ("id"),
      "created_at" timestamptz not null default now(),
      "resolved_at" timestamptz null,
      "resolved_by" varchar(120) null,
      "resolution" text null
    );`);
    this.addSql(
      `create index "dose_administration_flagged_idx" on "dose_administration" ("facility_id") where "status" = 'FLAGGED' and "resolved_at" is null;`,
    );
    this.addSql(`create table "opened_vial" (
      "id" uuid not null primary key,
      "facility_id" uuid not null,
      "lot_id" uuid not null references "lot" ("id"),
      "doses_in_vial" int not null check ("doses_in_vial" > 0),
      "doses_used" int not null default 0 check ("doses_used" >= 0 and "doses_used" <= "doses_in_vial"),
      "opened_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "opened_by" varchar(120) not null,
      "closed_at" timestamptz null,
      "discarded_doses" int null,
      "discard_entry_id" bigint null references "stock_ledger_entry" ("id")
    );`);
    this.addSql(`create index "opened_vial_open_idx" on "opened_vial" ("facility_id", "lot_id") where "closed_at" is null;`);
    // Booking's sessions (session.opened/changed/closed), to report which sessions a recall affects.
    this.addSql(`create table "session_projection" (
      "session_id" uuid not null primary key,
      "facility_id" uuid not null,
      "date" date not null,
      "start_time" varchar(5) not null,
      "end_time" varchar(5) not null,
      "product_code" varchar(40) not null,
      "capacity" int not null,
      "status" varchar(20) not null
    );`);
    this.addSql(`create index "session_projection_facility_idx" on "session_projection" ("facility_id", "product_code", "date");`);
  }
}

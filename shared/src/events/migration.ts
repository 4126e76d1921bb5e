import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';

/** Outbox, inbox, consumer positions and dead letters: every service has them in its own database. */
export class Migration20261123000001_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "outbox" (
      "id" bigserial primary key,
      "event_id" uuid not null unique,
      "type" varchar(100) not null,
      "version" int not null,
      "aggregate_id" varchar(100) not null,
      "occurred_at" timestamptz not null,
      "payload" jsonb not null,
      "published_at" timestamptz null
    );`);
    this.addSql(`create index "outbox_unpublished" on "outbox" ("id") where "published_at" is null;`);
    this.addSql(`create table "event_inbox" (
      "consumer" varchar(60) not null,
      "event_id" uuid not null,
      "processed_at" timestamptz not null default now(),
      primary key ("consumer", "event_id")
    );`);
    this.addSql(`create table "event_consumer" (
      "name" varchar(60) primary key,
      "position" bigint not null default 0,
      "last_lag_ms" int null,
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`create table "event_dead_letter" (
      "id" bigserial primary key,
      "consumer" varchar(60) not null,
      "event_id" uuid not null,
      "position" bigint not null,
      "type" varchar(100) not null,
      "version" int not null,
      "producer" varchar(40) not null,
      "aggregate_id" varchar(100) not null,
      "occurred_at" timestamptz not null,
      "payload" jsonb not null,
      "error" text not null,
      "attempts" int not null,
      "created_at" timestamptz not null default now(),
      "resolved_at" timestamptz null,
      unique ("consumer", "event_id")
    );`);
  }
}

export const eventsMigration = { name: 'Migration20261123000001_events', class: Migration20261123000001_events };

/**
 * The outbox's unique index on event_id guarded nothing (ids are generated, nothing looks rows up
 * by them, and the event log deduplicates by event id on append) yet cost every event an index
 * write; bulk imports write hundreds of thousands of events.
 */
export class Migration20261124000001_outbox_lean extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox" drop constraint if exists "outbox_event_id_key";`);
  }
}

/** Discarding a dead letter is audited on its row: when, by whom, why. */
export class Migration20261202000001_dead_letter_discard extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "event_dead_letter" add column "discarded_at" timestamptz null,
      add column "discarded_by" varchar(100) null, add column "discard_reason" text null;`);
  }
}

/** The event backbone's migrations, in order. */
export const eventsMigrations = [
  eventsMigration,
  { name: 'Migration20261124000001_outbox_lean', class: Migration20261124000001_outbox_lean },
  { name: 'Migration20261202000001_dead_letter_discard', class: Migration20261202000001_dead_letter_discard },
];

/** A service's migrations plus the backbone's, in one order (migration names start with their timestamp). */
export function withEvents(migrations: MigrationObject[]): MigrationObject[] {
  return [...migrations, ...eventsMigrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

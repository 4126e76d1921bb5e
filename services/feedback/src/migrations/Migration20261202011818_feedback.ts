import { Migration } from '@mikro-orm/migrations';

export class Migration20261202011818_feedback extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "complaint" (
      "id" uuid not null primary key,
      "reference" varchar(20) not null,
      "subject_type" varchar(12) not null,
      "subject_id" uuid null,
      "facility_id" uuid null,
      "category" varchar(40) not null,
      "handling" varchar(8) not null,
      "description" text not null,
      "attachments" jsonb not null,
      "channel" varchar(12) not null,
      "submitted_by" varchar(100) not null,
      "citizen_account" varchar(100) null,
      "status" varchar(12) not null,
      "assigned_to" varchar(100) null,
      "rejection_reason" text null,
      "resolution" text null,
      "rating" int null,
      "submitted_at" timestamptz not null,
      "first_response_at" timestamptz null,
      "response_due_at" timestamptz not null,
      "resolution_due_at" timestamptz not null,
      "resolved_at" timestamptz null,
      "closed_at" timestamptz null,
      "reopened_count" int not null default 0,
      "response_escalated_at" timestamptz null,
      "resolution_escalated_at" timestamptz null
    );`);
    this.addSql(`alter table "complaint" add constraint "complaint_reference_unique" unique ("reference");`);
    this.addSql(`create index "complaint_facility_id_index" on "complaint" ("facility_id");`);
    this.addSql(`create index "complaint_citizen_account_index" on "complaint" ("citizen_account");`);
    this.addSql(`create index "complaint_status_index" on "complaint" ("status");`);

    this.addSql(`create table "complaint_event" (
      "id" uuid not null primary key,
      "complaint_id" uuid not null,
      "at" timestamptz not null,
      "actor_role" varchar(20) not null,
      "action" varchar(30) not null,
      "to_status" varchar(12) null,
      "note" text null
    );`);
    this.addSql(`create index "complaint_event_complaint_id_index" on "complaint_event" ("complaint_id");`);

    this.addSql(`create table "faq_entry" (
      "id" uuid not null primary key,
      "slug" varchar(80) not null,
      "version" int not null,
      "question_id" text not null,
      "question_en" text not null,
      "answer_id" text not null,
      "answer_en" text not null,
      "tags" jsonb not null,
      "published" boolean not null,
      "updated_at" timestamptz not null,
      "updated_by" varchar(100) not null
    );`);
    this.addSql(`alter table "faq_entry" add constraint "faq_entry_slug_unique" unique ("slug");`);

    this.addSql(`create table "faq_revision" (
      "id" uuid not null primary key,
      "faq_id" uuid not null,
      "version" int not null,
      "question_id" text not null,
      "question_en" text not null,
      "answer_id" text not null,
      "answer_en" text not null,
      "tags" jsonb not null,
      "published" boolean not null,
      "changed_at" timestamptz not null,
      "changed_by" varchar(100) not null
    );`);
    this.addSql(`create index "faq_revision_faq_id_index" on "faq_revision" ("faq_id");`);
    this.addSql(`alter table "faq_revision" add constraint "faq_revision_faq_id_version_unique" unique ("faq_id", "version");`);

    this.addSql(`create table "survey_invitation" (
      "id" uuid not null primary key,
      "appointment_id" uuid not null,
      "facility_id" uuid not null,
      "visit_date" date not null,
      "token" varchar(43) not null,
      "created_at" timestamptz not null,
      "answered_at" timestamptz null
    );`);
    this.addSql(`alter table "survey_invitation" add constraint "survey_invitation_appointment_id_unique" unique ("appointment_id");`);
    this.addSql(`alter table "survey_invitation" add constraint "survey_invitation_token_unique" unique ("token");`);
    this.addSql(`create index "survey_invitation_facility_id_index" on "survey_invitation" ("facility_id");`);

    this.addSql(`create table "survey_response" (
      "id" uuid not null primary key,
      "invitation_id" uuid not null,
      "facility_id" uuid not null,
      "visit_date" date not null,
      "answered_at" timestamptz not null,
      "u1" int not null, "u2" int not null, "u3" int not null, "u4" int not null, "u5" int not null,
      "u6" int not null, "u7" int not null, "u8" int not null, "u9" int not null,
      "suggestion" text null
    );`);
    this.addSql(`alter table "survey_response" add constraint "survey_response_invitation_id_unique" unique ("invitation_id");`);
    this.addSql(`create index "survey_response_facility_id_index" on "survey_response" ("facility_id");`);
    this.addSql(`create index "survey_response_visit_date_index" on "survey_response" ("visit_date");`);
  }
}

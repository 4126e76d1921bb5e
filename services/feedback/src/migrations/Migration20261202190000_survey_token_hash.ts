import { Migration } from '@mikro-orm/migrations';

/**
 * Survey links: the invitation keeps only the SHA-256 of its single-use token (before: the token itself)
 * and the link's end. Invitations made before keep working with the token they had (its hash is kept);
 * new ones get tokens made from their id under the service's key (survey.rules.ts).
 */
export class Migration20261202190000_survey_token_hash extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "survey_invitation" add column "token_hash" varchar(64) null, add column "expires_at" timestamptz null;`);
    this.addSql(
      `update "survey_invitation" set "token_hash" = encode(sha256(convert_to("token", 'UTF8')), 'hex'), "expires_at" = "created_at" + interval '30 days';`,
    );
    this.addSql(`alter table "survey_invitation" alter column "token_hash" set not null, alter column "expires_at" set not null;`);
    this.addSql(`alter table "survey_invitation" drop constraint "survey_invitation_token_unique";`);
    this.addSql(`alter table "survey_invitation" drop column "token";`);
    this.addSql(`alter table "survey_invitation" add constraint "survey_invitation_token_hash_unique" unique ("token_hash");`);
  }
}

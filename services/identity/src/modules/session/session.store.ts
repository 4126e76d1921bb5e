import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/** SQL of refresh tokens: one family per sign-in, each token good once. */

export interface RefreshRow {
  id: string;
  family_id: string;
  account_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export async function insertRefreshToken(
  em: EntityManager,
  t: { id: string; familyId: string; accountId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await sql(
    em,
    `insert into "refresh_token" ("id", "family_id", "account_id", "token_hash", "expires_at") values (:id, :familyId, :accountId, :tokenHash, :expiresAt)`,
    t,
  );
}

export async function lockRefreshToken(tx: EntityManager, tokenHash: string): Promise<RefreshRow | undefined> {
  const [row] = await sql<RefreshRow>(tx, `select * from "refresh_token" where "token_hash" = :tokenHash for update`, { tokenHash });
  return row;
}

export async function revokeFamily(tx: EntityManager, familyId: string): Promise<void> {
  await sql(tx, `update "refresh_token" set "revoked_at" = now() where "family_id" = :familyId and "revoked_at" is null`, { familyId });
}

export async function markUsed(tx: EntityManager, id: string): Promise<void> {
  await sql(tx, `update "refresh_token" set "used_at" = now() where "id" = :id`, { id });
}

/** Revokes the family of a token (none when the token is unknown). */
export async function revokeFamilyOf(em: EntityManager, tokenHash: string): Promise<void> {
  await sql(
    em,
    `update "refresh_token" set "revoked_at" = now() where "revoked_at" is null and "family_id" = (select "family_id" from "refresh_token" where "token_hash" = :tokenHash)`,
    { tokenHash },
  );
}

/** Ends every session of an account (its rights changed). */
export async function revokeAccountTokens(tx: EntityManager, accountId: string): Promise<void> {
  await sql(tx, `update "refresh_token" set "revoked_at" = now() where "account_id" = :accountId and "revoked_at" is null`, { accountId });
}

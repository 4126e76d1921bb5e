import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IdentitySettings } from '../../context.js';
import { invalidRefreshToken } from '../../errors.js';
import { accountById, toAccount, tokenRole, type AccountRow } from '../account/account.rows.js';
import type { AuthSession } from '../account/account.type.js';
import { hashRefreshToken, newRefreshToken } from './tokens.js';

/** A new access token and a refresh token in `familyId` (a new family at each sign-in). */
export async function issueSession(
  em: EntityManager,
  settings: IdentitySettings,
  account: AccountRow,
  familyId: string = randomUUID(),
): Promise<AuthSession> {
  const access = await settings.issuer.sign({
    sub: account.id,
    role: tokenRole(account.role),
    ...(account.facility_id ? { facilityId: account.facility_id } : {}),
  });
  const refresh = newRefreshToken();
  const refreshTokenExpiresAt = new Date(Date.now() + settings.config.refreshTtlSeconds * 1000);
  await em.execute(`insert into "refresh_token" ("id", "family_id", "account_id", "token_hash", "expires_at") values (?, ?, ?, ?, ?)`, [
    randomUUID(),
    familyId,
    account.id,
    refresh.hash,
    refreshTokenExpiresAt,
  ]);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.token,
    refreshTokenExpiresAt,
    account: toAccount(account, settings.vault),
  };
}

interface RefreshRow {
  id: string;
  family_id: string;
  account_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * Rotation: a refresh token is good once. Presenting one that was already used means two parties hold
 * it (a stolen copy, or the thief after the owner): the whole family is revoked, so both must sign in again.
 */
export async function refreshSession(em: EntityManager, settings: IdentitySettings, token: string): Promise<AuthSession> {
  const outcome = await em.transactional(async (tx) => {
    const [row] = await tx.execute<RefreshRow[]>(`select * from "refresh_token" where "token_hash" = ? for update`, [
      hashRefreshToken(token),
    ]);
    if (!row) return { error: 'unknown' as const };
    if (row.used_at || row.revoked_at) {
      await tx.execute(`update "refresh_token" set "revoked_at" = now() where "family_id" = ? and "revoked_at" is null`, [row.family_id]);
      return { error: 'reused' as const };
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return { error: 'expired' as const };
    const account = await accountById(tx, row.account_id);
    if (!account?.active) return { error: 'inactive' as const };
    await tx.execute(`update "refresh_token" set "used_at" = now() where "id" = ?`, [row.id]);
    return { session: await issueSession(tx, settings, account, row.family_id) };
  });
  // The revocation above is committed before the error goes out.
  if ('error' in outcome) throw invalidRefreshToken();
  return outcome.session;
}

/** Ends the session on this device: its whole refresh family. Unknown tokens are fine (already signed out). */
export async function signOut(em: EntityManager, token: string): Promise<boolean> {
  await em.execute(
    `update "refresh_token" set "revoked_at" = now() where "revoked_at" is null and "family_id" = (select "family_id" from "refresh_token" where "token_hash" = ?)`,
    [hashRefreshToken(token)],
  );
  return true;
}

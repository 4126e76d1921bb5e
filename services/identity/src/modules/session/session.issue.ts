import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IdentitySettings } from '../../context.js';
import { toAccount, tokenRole, type AccountRow } from '../account/account.rows.js';
import type { AuthSession } from '../account/account.type.js';
import { insertRefreshToken } from './session.store.js';
import { newRefreshToken } from './tokens.js';

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
  await insertRefreshToken(em, {
    id: randomUUID(),
    familyId,
    accountId: account.id,
    tokenHash: refresh.hash,
    expiresAt: refreshTokenExpiresAt,
  });
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.token,
    refreshTokenExpiresAt,
    account: toAccount(account, settings.vault),
  };
}

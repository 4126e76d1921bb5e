import type { EntityManager } from '@mikro-orm/postgresql';
import type { IdentitySettings } from '../../context.js';
import { invalidRefreshToken } from '../../errors.js';
import { identityPolicy } from '../../policy.js';
import type { AuthSession } from '../account/account.type.js';
import { accountById } from '../account/account.store.js';
import { issueSession } from './session.issue.js';
import { lockRefreshToken, markUsed, revokeFamily, revokeFamilyOf } from './session.store.js';
import { hashRefreshToken } from './tokens.js';

/**
 * Rotation: a refresh token is good once. Presenting one that was already used means two parties hold
 * it (a stolen copy, or the thief after the owner): the whole family is revoked, so both must sign in again.
 */
export async function refreshSession(em: EntityManager, settings: IdentitySettings, token: string): Promise<AuthSession> {
  identityPolicy.signIn();
  const outcome = await em.transactional(async (tx) => {
    const row = await lockRefreshToken(tx, hashRefreshToken(token));
    if (!row) return { error: 'unknown' as const };
    if (row.used_at || row.revoked_at) {
      await revokeFamily(tx, row.family_id);
      return { error: 'reused' as const };
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return { error: 'expired' as const };
    const account = await accountById(tx, row.account_id);
    if (!account?.active) return { error: 'inactive' as const };
    await markUsed(tx, row.id);
    return { session: await issueSession(tx, settings, account, row.family_id) };
  });
  // The revocation above is committed before the error goes out.
  if ('error' in outcome) throw invalidRefreshToken();
  return outcome.session;
}

/** Ends the session on this device: its whole refresh family. Unknown tokens are fine (already signed out). */
export async function signOut(em: EntityManager, token: string): Promise<boolean> {
  identityPolicy.signIn();
  await revokeFamilyOf(em, hashRefreshToken(token));
  return true;
}

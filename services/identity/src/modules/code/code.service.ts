import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppError } from '@victori/shared';
import type { IdentitySettings } from '../../context.js';
import {
  codeExpired,
  codeLocked,
  invalidPhone,
  malformedCode,
  resendTooSoon,
  smsUnavailable,
  tooManyFromClient,
  wrongCode,
} from '../../errors.js';
import { identityPolicy } from '../../policy.js';
import { citizenByPhone } from '../account/account.store.js';
import type { AuthSession, SignInCodeRequest } from '../account/account.type.js';
import { issueSession } from '../session/session.issue.js';
import { codeOf, countWrongTry, deleteCode, devSmsTo, lockPhone, replaceCode, type DevSmsRow } from './code.store.js';

export type { DevSmsRow } from './code.store.js';

/** Indonesian mobile numbers (08xx, 628xx, +628xx; spaces, dots and dashes allowed) as +628...; else undefined. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  const match = /^(?:\+62|62|0)(8\d{7,11})$/.exec(compact);
  return match ? `+62${match[1]}` : undefined;
}

function phoneOrThrow(raw: string): string {
  const phone = normalisePhone(raw);
  if (!phone) throw invalidPhone();
  return phone;
}

const codeHash = (settings: IdentitySettings, phoneHash: string, code: string): string =>
  settings.vault.hash(`sign-in-code:${phoneHash}:${code}`);

const secondsUntil = (at: Date | string, now: number): number => Math.max(1, Math.ceil((new Date(at).getTime() - now) / 1000));

/** Sends a fresh 6-digit code; the previous one stops working. */
export async function requestSignInCode(
  em: EntityManager,
  settings: IdentitySettings,
  rawPhone: string,
  clientIp: string,
): Promise<SignInCodeRequest> {
  identityPolicy.signIn();
  const phone = phoneOrThrow(rawPhone);
  const { config } = settings;
  const wait = await settings.limits.codesPerIp.take(clientIp);
  if (wait > 0) throw tooManyFromClient(wait);
  const phoneHash = settings.vault.hash(phone);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = Date.now();
  const expiresAt = new Date(now + config.codeTtlSeconds * 1000);
  const outcome = await em.transactional(async (tx): Promise<{ error: AppError } | { ok: true }> => {
    // One request at a time per phone: two taps on "send" must not both pass the resend throttle.
    await lockPhone(tx, phoneHash);
    const row = await codeOf(tx, phoneHash);
    if (row?.locked_until && new Date(row.locked_until).getTime() > now) return { error: codeLocked(secondsUntil(row.locked_until, now)) };
    const resendAt = row ? new Date(row.sent_at).getTime() + config.resendAfterSeconds * 1000 : 0;
    if (resendAt > now) return { error: resendTooSoon(secondsUntil(new Date(resendAt), now)) };
    await replaceCode(tx, { phoneHash, codeHash: codeHash(settings, phoneHash, code), expiresAt, sentAt: new Date(now) });
    const minutes = Math.round(config.codeTtlSeconds / 60);
    try {
      // Sent inside the transaction: when the gateway refuses, no code is recorded and the citizen may retry at once.
      await settings.sms.send(
        tx,
        {
          to: phone,
          text: `Kode masuk VICTORI: ${code}. Berlaku ${minutes} menit. Jangan berikan kode ini kepada siapa pun. / Your VICTORI sign-in code.`,
        },
        phoneHash,
      );
    } catch {
      throw smsUnavailable();
    }
    return { ok: true };
  });
  if ('error' in outcome) throw outcome.error;
  return { phone, expiresAt, resendAfterSeconds: config.resendAfterSeconds };
}

/** Checks the code; the account of a new phone is made on its first sign-in. */
export async function signInWithCode(
  em: EntityManager,
  settings: IdentitySettings,
  rawPhone: string,
  rawCode: string,
): Promise<AuthSession> {
  identityPolicy.signIn();
  const phone = phoneOrThrow(rawPhone);
  const code = rawCode.trim();
  if (!/^\d{6}$/.test(code)) throw malformedCode();
  const { config } = settings;
  const phoneHash = settings.vault.hash(phone);
  const outcome = await em.transactional(async (tx): Promise<{ error: AppError } | { session: AuthSession }> => {
    const now = Date.now();
    const row = await codeOf(tx, phoneHash, true);
    if (!row) return { error: codeExpired() };
    if (row.locked_until && new Date(row.locked_until).getTime() > now) return { error: codeLocked(secondsUntil(row.locked_until, now)) };
    if (row.wrong_tries >= config.codeMaxTries || new Date(row.expires_at).getTime() <= now) return { error: codeExpired() };
    const given = Buffer.from(codeHash(settings, phoneHash, code));
    const expected = Buffer.from(row.code_hash);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const tries = row.wrong_tries + 1;
      if (tries >= config.codeMaxTries) {
        const lockedUntil = new Date(now + config.lockSeconds * 1000);
        await countWrongTry(tx, { phoneHash, tries, lockedUntil });
        return { error: codeLocked(Math.max(1, config.lockSeconds)) };
      }
      await countWrongTry(tx, { phoneHash, tries, lockedUntil: null });
      return { error: wrongCode(config.codeMaxTries - tries) };
    }
    // A code signs in once.
    await deleteCode(tx, phoneHash);
    const account = await citizenByPhone(tx, { newId: randomUUID(), phoneHash, phoneEncrypted: settings.vault.encrypt(phone) });
    if (!account?.active) return { error: codeExpired() };
    return { session: await issueSession(tx, settings, account) };
  });
  // Wrong tries and locks are committed before the error goes out.
  if ('error' in outcome) throw outcome.error;
  return outcome.session;
}

export async function devSmsOutbox(em: EntityManager, settings: IdentitySettings, rawPhone: string): Promise<DevSmsRow[]> {
  identityPolicy.devSmsOutbox(settings.config.mode === 'production', settings.sms.kind === 'outbox');
  const phone = phoneOrThrow(rawPhone);
  return devSmsTo(em, settings.vault.hash(phone));
}

import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { AppError, ErrorCode } from '@victori/shared';

/** A survey link's token: 32 bytes, base64url (43 characters). */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The key survey tokens are made with, derived from the service's PII key (HKDF, its own label): the
 * database holds only the tokens' hashes, and the key never leaves the service's settings.
 */
export function surveyTokenKey(piiKeyHex: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(piiKeyHex, 'hex'), Buffer.alloc(0), 'victori.feedback.survey-token.v1', 32));
}

/**
 * The visit's single-use token: HMAC of the invitation's random id under the survey key. Unguessable
 * without the key, and shown again to whoever may see the visit (Appointment.survey) without being stored.
 */
export function surveyToken(key: Buffer, invitationId: string): string {
  return createHmac('sha256', key).update(invitationId).digest('base64url');
}

/** What the database keeps of a token: its SHA-256, hex. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A used, unknown or expired link: typed, never saying more than the link's state. */
export const surveyLinkErrors = {
  unknown: (): AppError =>
    new AppError(
      ErrorCode.NOT_FOUND,
      {
        id: 'Tautan survei tidak dikenal; periksa kembali tautannya',
        en: 'This survey link is not known; check the link',
        key: 'survey.linkUnknown',
      },
      { field: 'token' },
    ),
  used: (): AppError =>
    new AppError(
      ErrorCode.DUPLICATE,
      { id: 'Survei kunjungan ini sudah diisi', en: 'This visit has been rated already', key: 'survey.linkUsed' },
      { field: 'token' },
    ),
  expired: (expiredAt: Date): AppError =>
    new AppError(
      ErrorCode.CONFLICT,
      {
        id: 'Tautan survei ini sudah kedaluwarsa',
        en: 'This survey link has expired',
        key: 'survey.linkExpired',
      },
      { field: 'token', reason: 'EXPIRED', expiredAt: expiredAt.toISOString() },
    ),
};

/** The state of an invitation found by its token: answerable, or the error to give. */
export function checkInvitation<T extends { answeredAt?: Date | null; expiresAt: Date }>(
  found: T | undefined,
  now: Date,
): asserts found is T {
  if (!found) throw surveyLinkErrors.unknown();
  if (found.answeredAt) throw surveyLinkErrors.used();
  if (now.getTime() > found.expiresAt.getTime()) throw surveyLinkErrors.expired(found.expiresAt);
}

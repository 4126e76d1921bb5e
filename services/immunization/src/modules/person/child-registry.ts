import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, ErrorCode, type RequestInfo } from '@victori/shared';
import { findChildKey, insertChildKey, setChildKeyPerson } from './person.store.js';

/**
 * The child registry's identity rules (issue 15, item 4). A child without a NIK is the same child when the
 * mother's NIK, birth date, sex and normalised name agree; the name is compared without case, accents,
 * punctuation or extra spaces, because parents and nurses type "Siti Nur'aini" and "siti  nuraini" alike.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * DUPLICATE with the existing child's id only: an id opens nothing to a caller who may not see the
 * child (every read asks the policy), so the answer tells no name, NIK or birth data.
 */
export const duplicateChild = (personId: string, field: 'nik' | 'motherNik'): AppError =>
  new AppError(
    ErrorCode.DUPLICATE,
    {
      id: 'Anak ini sudah terdaftar; minta wali yang mendaftarkannya menambahkan Anda (addGuardian), atau tunjukkan kode klaim ibu',
      en: "This child is already registered; ask the guardian who registered it to add you (addGuardian), or give the mother's claim code",
    },
    { field, existingPersonId: personId },
  );

const KEY = /^[\x21-\x7e]{1,200}$/;

export interface ChildKey {
  key: string;
  account: string;
  hash: string;
}

/** registerChild's Idempotency-Key (forwarded by the gateway), scoped to the caller. */
export function childKey(request: RequestInfo, payload: unknown): ChildKey | null {
  const raw = request.headers['idempotency-key'];
  if (typeof raw !== 'string') return null;
  if (!KEY.test(raw)) {
    throw badInput('Idempotency-Key', {
      id: 'Idempotency-Key harus 1–200 karakter ASCII',
      en: 'Idempotency-Key must be 1–200 visible ASCII characters',
    });
  }
  const account = request.claims.sub ?? request.claims.role;
  return {
    key: raw,
    account,
    hash: createHash('sha256')
      .update(JSON.stringify(['registerChild', account, payload]))
      .digest('hex'),
  };
}

const keyConflict = (): AppError =>
  new AppError(
    ErrorCode.IDEMPOTENCY_CONFLICT,
    { id: 'Idempotency-Key ini sudah dipakai untuk permintaan lain', en: 'This Idempotency-Key was already used for a different request' },
    { field: 'Idempotency-Key' },
  );

/**
 * Claims the key inside the registration's transaction. A concurrent holder of the same key makes this
 * insert wait until it commits; then its stored child is the answer (`replayId`), or a conflict when the
 * request differs.
 */
export async function claimKey(tx: EntityManager, k: ChildKey): Promise<{ replayId: string | null }> {
  if (await insertChildKey(tx, { accountId: k.account, key: k.key, requestHash: k.hash })) return { replayId: null };
  const stored = await findChildKey(tx, { accountId: k.account, key: k.key });
  if (!stored || stored.requestHash !== k.hash) throw keyConflict();
  return { replayId: stored.personId };
}

export async function storeKey(tx: EntityManager, k: ChildKey, personId: string): Promise<void> {
  await setChildKeyPerson(tx, { accountId: k.account, key: k.key, personId });
}

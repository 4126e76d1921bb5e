import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, ErrorCode, type RequestInfo } from '@victori/shared';

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
  const inserted = await tx.execute<{ n: number }[]>(
    `insert into child_registration_key (account_id, key, request_hash) values (?, ?, ?) on conflict do nothing returning 1 as n`,
    [k.account, k.key, k.hash],
  );
  if (inserted.length) return { replayId: null };
  const [stored] = await tx.execute<{ request_hash: string; person_id: string | null }[]>(
    `select request_hash, person_id from child_registration_key where account_id = ? and key = ?`,
    [k.account, k.key],
  );
  if (!stored || stored.request_hash !== k.hash) throw keyConflict();
  return { replayId: stored.person_id };
}

export async function storeKey(tx: EntityManager, k: ChildKey, personId: string): Promise<void> {
  await tx.execute(`update child_registration_key set person_id = ? where account_id = ? and key = ?`, [personId, k.account, k.key]);
}

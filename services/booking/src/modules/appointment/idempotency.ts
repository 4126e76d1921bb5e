import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, ErrorCode, type RequestInfo } from '@victori/shared';
import type { AppointmentRow } from './appointment.rows.js';

/**
 * Idempotent writes (booking, cancel, reschedule). The client's Idempotency-Key (forwarded by the gateway)
 * is stored with a hash of the operation, its arguments and the caller, and the result, in the same
 * transaction as the write. The same key and payload replays the stored result; the same key with another
 * payload is IDEMPOTENCY_CONFLICT. Only successful results are stored: a retry after a refusal is decided again.
 */
export interface IdempotentRequest {
  operation: string;
  key: string | null;
  hash: string;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotentRequest(request: RequestInfo, operation: string, payload: unknown): IdempotentRequest {
  const raw = request.headers['idempotency-key'];
  const key = typeof raw === 'string' ? raw : null;
  if (key !== null && !KEY.test(key)) {
    throw badInput('Idempotency-Key', {
      id: 'Idempotency-Key harus 1–200 karakter ASCII',
      en: 'Idempotency-Key must be 1–200 visible ASCII characters',
    });
  }
  const caller = request.claims.sub ?? request.claims.role;
  const hash = createHash('sha256')
    .update(JSON.stringify([operation, caller, payload]))
    .digest('hex');
  return { operation, key, hash };
}

export const idempotencyConflict = (): AppError =>
  new AppError(
    ErrorCode.IDEMPOTENCY_CONFLICT,
    {
      id: 'Idempotency-Key ini sudah dipakai untuk permintaan lain',
      en: 'This Idempotency-Key was already used for a different request',
    },
    { field: 'Idempotency-Key' },
  );

export interface StoredResult {
  hash: string;
  result: AppointmentRow;
}

/** The stored result for this key: the row to replay, or a conflict when the payload differs. */
export function replay(req: IdempotentRequest, stored: StoredResult | null | undefined): AppointmentRow | undefined {
  if (!stored) return undefined;
  if (stored.hash !== req.hash) throw idempotencyConflict();
  return stored.result;
}

export async function findStored(em: EntityManager, req: IdempotentRequest): Promise<StoredResult | undefined> {
  if (!req.key) return undefined;
  const [row] = await em.execute<{ hash: string; result: AppointmentRow }[]>(
    `select request_hash as hash, result from idempotency_key where operation = ? and key = ?`,
    [req.operation, req.key],
  );
  return row;
}

/** SQL of a CTE member that stores `source`'s row as the result (a no-op without a key). */
export const STORE_RESULT = (source: string): string =>
  `insert into idempotency_key (operation, key, request_hash, result) select ?, ?, ?, to_jsonb(${source}) from ${source} where ?::text is not null returning 1`;

export const storeParams = (req: IdempotentRequest): unknown[] => [req.operation, req.key, req.hash, req.key];

/**
 * Requests carrying the same Idempotency-Key run one after another in this process, so a retry storm
 * of one booking (a phone on a bad network re-sending) waits for the original and then replays its
 * stored result, instead of racing it into the rate limiter or the slot. Across booking instances the
 * stored result and the key's primary key still decide; this only orders the retries one instance sees.
 */
export class SameKeyQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(req: IdempotentRequest, work: () => Promise<T>): Promise<T> {
    if (!req.key) return work();
    const id = `${req.operation}\n${req.key}`;
    const before = this.tails.get(id) ?? Promise.resolve();
    const mine = before.then(work, work);
    const tail = mine.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return mine;
  }

  get size(): number {
    return this.tails.size;
  }
}

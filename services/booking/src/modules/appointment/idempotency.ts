import { createHash } from 'node:crypto';
import { AppError, badInput, ErrorCode, type RequestInfo } from '@victori/shared';
import { violates } from '../../db.js';
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

/**
 * A write that failed on a unique constraint because a racing request with the same Idempotency-Key (or
 * the same person's same dose, `constraints`) committed first: that request's stored result when it
 * carried this key (a conflict when its payload differs). Undefined for any other failure, and when the
 * winner carried no key: the caller then explains the failure itself.
 */
export async function replayAfterRace(
  error: unknown,
  req: IdempotentRequest,
  constraints: readonly string[],
  stored: () => Promise<StoredResult | undefined>,
): Promise<AppointmentRow | undefined> {
  if (!violates(error, constraints)) return undefined;
  return replay(req, await stored());
}

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

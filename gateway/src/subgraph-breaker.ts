import { AppError, ErrorCode } from '@victori/shared';
import { Cancel, isMutationBody, type SubgraphAnswer, type SubgraphSend } from './fetcher.js';

export interface SubgraphGuardOptions {
  /** Most a query's subgraph call may take, ms. */
  timeoutMs: number;
  /** Most a mutation's subgraph call may take, ms (a booking under a surge waits longer than a read). */
  mutationTimeoutMs: number;
  /** Consecutive failures (timeouts, refused connections, 5xx) that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before one trial call is let through, ms. */
  openMs: number;
}

/**
 * A circuit breaker per subgraph: closed, it counts consecutive failures; at the threshold it opens
 * and every call fails at once; after `openMs` one trial call is let through (half-open): success
 * closes it, failure opens it again. Our own ~40 lines rather than cockatiel or opossum: the gateway
 * needs exactly consecutive-failure counting with one half-open probe around a fetch, and an own
 * class keeps the typed SUBGRAPH_UNAVAILABLE error and the state on /metrics without adapters.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  opened = 0;

  constructor(private readonly options: Pick<SubgraphGuardOptions, 'failureThreshold' | 'openMs'>) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openUntil === 0) return 'closed';
    return Date.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a call may go out now; in half-open only one trial at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.openUntil !== 0 || this.failures >= this.options.failureThreshold) {
      if (this.openUntil === 0 || Date.now() >= this.openUntil) this.opened++;
      this.openUntil = Date.now() + this.options.openMs;
    }
  }
}

export type UnavailableReason = 'timeout' | 'breaker-open' | 'unreachable' | 'server-error';

/** The typed error a query gets for a subgraph that did not answer; both languages, the service named. */
export function subgraphUnavailable(serviceName: string, reason: UnavailableReason, mutation: boolean): AppError {
  // Only a timeout is "did not answer in time": a subgraph that answered 5xx at once was mislabelled so, which
  // sent the search for its cause after a hang.
  const failed =
    reason === 'timeout'
      ? { id: 'tidak menjawab tepat waktu', en: 'did not answer in time' }
      : { id: 'gagal menjawab', en: 'failed to answer' };
  const what = mutation
    ? {
        id: `Layanan ${serviceName} ${failed.id}; perubahan mungkin sudah tercatat, ulangi dengan Idempotency-Key yang sama`,
        en: `The ${serviceName} service ${failed.en}; the change may have been recorded, retry with the same Idempotency-Key`,
      }
    : {
        id: `Layanan ${serviceName} sedang tidak tersedia; data dari layanan lain tetap ditampilkan`,
        en: `The ${serviceName} service is unavailable; data from the other services is still shown`,
      };
  return new AppError(ErrorCode.SUBGRAPH_UNAVAILABLE, what, { serviceName, reason, retryAfterSeconds: 1 });
}

/**
 * Wraps a subgraph call with the subgraph's timeout and breaker. The whole answer, body included, is
 * read within the timeout, so a subgraph that stalls mid-body cannot hold the query either. A 503 that
 * carries GraphQL errors (a subgraph whose database is gone answers UNAVAILABLE) is the subgraph
 * answering, not failing: it is passed on as an ordinary answer so the gateway merges its typed errors.
 * The timeout is one timer and a Cancel, cleared when the answer is in: AbortSignal.timeout cost 7 µs a
 * call here and kept every timer until it fired.
 */
export function guardSubgraphFetch(
  serviceName: string,
  inner: SubgraphSend,
  options: SubgraphGuardOptions,
  breaker: CircuitBreaker,
): SubgraphSend {
  return async (call) => {
    const mutation = call.mutation ?? isMutationBody(call.body);
    if (!breaker.allow()) throw subgraphUnavailable(serviceName, 'breaker-open', mutation);
    const cancel = new Cancel();
    const timer = setTimeout(() => cancel.abort(), mutation ? options.mutationTimeoutMs : options.timeoutMs);
    let answer: SubgraphAnswer;
    try {
      answer = await inner({ ...call, mutation, cancel });
    } catch {
      breaker.failure();
      throw subgraphUnavailable(serviceName, cancel.aborted ? 'timeout' : 'unreachable', mutation);
    } finally {
      clearTimeout(timer);
    }
    if (answer.status >= 500) {
      if (answer.status === 503 && answer.body.includes('"errors"')) {
        breaker.success();
        return { ...answer, status: 200, statusText: 'OK' };
      }
      breaker.failure();
      throw subgraphUnavailable(serviceName, 'server-error', mutation);
    }
    breaker.success();
    return answer;
  };
}

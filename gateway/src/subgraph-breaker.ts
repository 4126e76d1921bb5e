import { AppError, ErrorCode } from '@victori/shared';

type Fetch = typeof globalThis.fetch;

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
  const what = mutation
    ? {
        id: `Layanan ${serviceName} tidak menjawab tepat waktu; perubahan mungkin sudah tercatat, ulangi dengan Idempotency-Key yang sama`,
        en: `The ${serviceName} service did not answer in time; the change may have been recorded, retry with the same Idempotency-Key`,
      }
    : {
        id: `Layanan ${serviceName} sedang tidak tersedia; data dari layanan lain tetap ditampilkan`,
        en: `The ${serviceName} service is unavailable; data from the other services is still shown`,
      };
  return new AppError(ErrorCode.SUBGRAPH_UNAVAILABLE, what, { serviceName, reason, retryAfterSeconds: 1 });
}

function isMutationBody(body: unknown): boolean {
  return typeof body === 'string' && /"query"\s*:\s*"\s*(mutation|subscription)\b/.test(body);
}

/**
 * Wraps a subgraph fetcher with the subgraph's timeout and breaker. The whole answer, body included, is
 * read within the timeout, so a subgraph that stalls mid-body cannot hold the query either. A 503 that
 * carries GraphQL errors (a subgraph whose database is gone answers UNAVAILABLE) is the subgraph
 * answering, not failing: it is passed on as an ordinary answer so the gateway merges its typed errors.
 */
export function guardSubgraphFetch(serviceName: string, inner: Fetch, options: SubgraphGuardOptions, breaker: CircuitBreaker): Fetch {
  const guarded = async (input: Parameters<Fetch>[0], init?: RequestInit): Promise<Response> => {
    const mutation = isMutationBody(init?.body);
    if (!breaker.allow()) throw subgraphUnavailable(serviceName, 'breaker-open', mutation);
    const timeoutMs = mutation ? options.mutationTimeoutMs : options.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let headers: Headers;
    let body: string;
    try {
      const res = await inner(input, { ...init, signal });
      status = res.status;
      headers = res.headers;
      body = await res.text();
    } catch {
      breaker.failure();
      throw subgraphUnavailable(serviceName, signal.aborted ? 'timeout' : 'unreachable', mutation);
    }
    if (status >= 500) {
      if (status === 503 && body.includes('"errors"')) {
        breaker.success();
        return new Response(body, { status: 200, headers });
      }
      breaker.failure();
      throw subgraphUnavailable(serviceName, 'server-error', mutation);
    }
    breaker.success();
    return new Response(body, { status, headers });
  };
  return guarded as Fetch;
}

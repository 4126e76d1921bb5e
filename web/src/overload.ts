/**
 * What the app does when the edge says 503 OVERLOADED: wait what Retry-After asks (plus jitter, so a crowd
 * that was refused together does not come back together), tell the screen how long, and send the very same
 * request again. The request, its body and its Idempotency-Key header are reused as they are, so a retried
 * booking can never book twice and nothing the user typed is lost.
 */
export interface OverloadNotice {
  /** Epoch ms when the next attempt is made; undefined when no wait is pending. */
  retryAt: number | undefined;
  attempt: number;
}

export type OverloadListener = (notice: OverloadNotice) => void;

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The wait before attempt `attempt` (1-based): at least Retry-After, doubling for each refusal in a row up
 * to 8 s (a citizen is watching the countdown), plus up to half of it again at random.
 */
export function retryDelayMs(retryAfterSeconds: number | undefined, attempt: number, random: () => number = Math.random): number {
  const base = Math.max(1, retryAfterSeconds ?? 1);
  const backoff = Math.min(Math.max(8, base), base * 2 ** Math.max(0, Math.min(attempt - 1, 5)));
  return Math.round((backoff + random() * backoff * 0.5) * 1000);
}

export const MAX_ATTEMPTS = 12;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A fetch that retries refusals for overload by itself; any other answer is handed back as it came. */
export function overloadRetryingFetch(
  inner: typeof fetch,
  listener: OverloadListener,
  options: { maxAttempts?: number; random?: () => number; wait?: (ms: number) => Promise<void> } = {},
): typeof fetch {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const wait = options.wait ?? sleep;
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const response = await inner(input, init);
      if (response.status !== 503 || attempt >= maxAttempts) {
        if (attempt > 1) listener({ retryAt: undefined, attempt });
        return response;
      }
      const delay = retryDelayMs(parseRetryAfter(response.headers.get('retry-after')), attempt, options.random);
      listener({ retryAt: Date.now() + delay, attempt });
      await response.body?.cancel().catch(() => undefined);
      await wait(delay);
    }
  };
}

import type { Logger } from '@victori/shared';

export interface FailureLogOptions {
  /** One summary line per interval while attempts fail. */
  intervalMs?: number;
  /** Detailed lines per interval; the rest are counted in the summary only. */
  detailsPerInterval?: number;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * Logs national delivery failures by what changed, not by attempt: a record's first failure, each
 * doubling of its attempts (a back-off step), a permanent rejection and a recovery get one line each
 * (at most `detailsPerInterval` per interval), and every interval with failures gets one summary line
 * with the counts by error. An import of thousands of doses while SATUSEHAT is down then writes a few
 * lines a minute instead of one per attempt.
 */
export class DeliveryFailureLog {
  private readonly intervalMs: number;
  private readonly detailsPerInterval: number;
  private details = 0;
  private failed = 0;
  private permanent = 0;
  private recovered = 0;
  private suppressed = 0;
  private errors = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    options: FailureLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.detailsPerInterval = options.detailsPerInterval ?? 10;
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** An attempt failed; `attempts` counts this one. */
  failure(delivery: string, attempts: number, error: string, permanent: boolean): void {
    this.failed += 1;
    if (permanent) this.permanent += 1;
    this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    if (permanent || isPowerOfTwo(attempts)) {
      this.detail(() =>
        this.logger.warn(
          { delivery, attempts, permanent, error },
          permanent ? 'national delivery rejected; the record is FAILED' : 'national delivery failing; retrying with back-off',
        ),
      );
    }
  }

  /** A record was delivered; after failures that is worth a line. */
  delivered(delivery: string, attempts: number): void {
    if (attempts <= 1) return;
    this.recovered += 1;
    this.detail(() => this.logger.info({ delivery, attempts }, 'national delivery succeeded after retries'));
  }

  /** The interval's summary (when anything failed) and a fresh budget of detailed lines. */
  flush(): void {
    if (this.failed > 0) {
      const errors = Object.fromEntries([...this.errors].sort((a, b) => b[1] - a[1]).slice(0, 5));
      this.logger.warn(
        {
          failedAttempts: this.failed,
          permanent: this.permanent,
          recovered: this.recovered,
          linesSuppressed: this.suppressed,
          errors,
          intervalMs: this.intervalMs,
        },
        'national delivery failures in the last interval',
      );
    }
    this.details = this.failed = this.permanent = this.recovered = this.suppressed = 0;
    this.errors = new Map();
  }

  private detail(write: () => void): void {
    if (this.details >= this.detailsPerInterval) {
      this.suppressed += 1;
      return;
    }
    this.details += 1;
    write();
  }
}

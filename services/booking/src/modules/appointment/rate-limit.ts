import { AppError, ErrorCode } from '@victori/shared';

/**
 * Fixed-window request counting per key (client address, person), in memory per booking instance.
 * A bot or a stuck client retrying one NIK cannot crowd out everyone else, and its refusals cost no
 * database work. Limits are generous per address because many citizens share one (carrier NAT).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one attempt; returns the seconds to wait when over the limit, or 0. */
  take(key: string, now = Date.now()): number {
    if (this.limit <= 0) return 0;
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

export const rateLimited = (field: 'nik' | 'client', retryAfterSeconds: number): AppError =>
  new AppError(
    ErrorCode.RATE_LIMITED,
    field === 'nik'
      ? {
          id: `Terlalu banyak percobaan untuk NIK ini; coba lagi dalam ${retryAfterSeconds} detik`,
          en: `Too many attempts for this NIK; try again in ${retryAfterSeconds} seconds`,
        }
      : {
          id: `Terlalu banyak permintaan dari alamat ini; coba lagi dalam ${retryAfterSeconds} detik`,
          en: `Too many requests from this address; try again in ${retryAfterSeconds} seconds`,
        },
    { field, retryAfterSeconds },
  );

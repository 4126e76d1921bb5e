/** Fixed-window counting per key, in memory per identity instance (the per-phone limits live in the database). */
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
      if (this.windows.size > 100_000) {
        for (const [k, old] of this.windows) if (now - old.start >= this.windowMs) this.windows.delete(k);
      }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }
}

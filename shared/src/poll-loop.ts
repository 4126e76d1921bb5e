/**
 * The one poll-and-wake loop of background workers (the outbox relay, SATUSEHAT delivery): runs a round,
 * runs the next at once while rounds find work, otherwise sleeps `idleMs` or until `nudge()`; a failed
 * round is reported and, after `errorDelayMs`, counts as a round that found nothing. `stop()` wakes a
 * sleeping loop and waits for the round in progress. With `maxIdleMs`, an idle loop backs off: each
 * further round that finds nothing doubles the sleep, up to `maxIdleMs`; a round that finds work or a
 * nudge goes back to `idleMs` (so a busy loop never sleeps longer, and an idle one costs little).
 */
export interface PollLoopOptions {
  /** One round; returns how much work it found (0 means idle). */
  round: () => Promise<number>;
  /** How long an idle loop sleeps before it looks again (a nudge wakes it sooner). */
  idleMs: () => number;
  /** The longest idle sleep after consecutive empty rounds (unset: always `idleMs`). */
  maxIdleMs?: () => number;
  /** Extra pause after a failed round before the idle sleep (0: none). */
  errorDelayMs?: number;
  onError: (error: unknown) => void;
}

export class PollLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Consecutive rounds that found nothing (the idle back-off). */
  private emptyRounds = 0;
  /** A nudge came during the current round: its work may have committed after the round looked. */
  private nudged = false;

  constructor(private readonly options: PollLoopOptions) {}

  get started(): boolean {
    return this.running;
  }

  /** Wakes a sleeping loop at once (called after a commit that made work). */
  nudge(): void {
    this.emptyRounds = 0;
    this.nudged = true;
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let found = 0;
      this.nudged = false;
      try {
        found = await this.options.round();
      } catch (error) {
        this.options.onError(error);
        if (this.options.errorDelayMs) await new Promise((r) => setTimeout(r, this.options.errorDelayMs));
      }
      if (found > 0) this.emptyRounds = 0;
      if (found === 0 && this.running && !this.nudged) {
        const sleepMs = this.idleSleepMs();
        this.emptyRounds++;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, sleepMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private idleSleepMs(): number {
    const idle = this.options.idleMs();
    const max = this.options.maxIdleMs?.() ?? idle;
    return Math.min(max, idle * 2 ** Math.min(this.emptyRounds, 20));
  }
}

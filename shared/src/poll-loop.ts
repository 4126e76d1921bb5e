/**
 * The one poll-and-wake loop of background workers (the outbox relay, SATUSEHAT delivery): runs a round,
 * runs the next at once while rounds find work, otherwise sleeps `idleMs` or until `nudge()`; a failed
 * round is reported and, after `errorDelayMs`, counts as a round that found nothing. `stop()` wakes a
 * sleeping loop and waits for the round in progress.
 */
export interface PollLoopOptions {
  /** One round; returns how much work it found (0 means idle). */
  round: () => Promise<number>;
  /** How long an idle loop sleeps before it looks again (a nudge wakes it sooner). */
  idleMs: () => number;
  /** Extra pause after a failed round before the idle sleep (0: none). */
  errorDelayMs?: number;
  onError: (error: unknown) => void;
}

export class PollLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: PollLoopOptions) {}

  get started(): boolean {
    return this.running;
  }

  /** Wakes a sleeping loop at once (called after a commit that made work). */
  nudge(): void {
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
      try {
        found = await this.options.round();
      } catch (error) {
        this.options.onError(error);
        if (this.options.errorDelayMs) await new Promise((r) => setTimeout(r, this.options.errorDelayMs));
      }
      if (found === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs());
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}

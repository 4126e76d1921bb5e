/**
 * Bounded concurrency with a bounded wait queue; excess is refused fast with OVERLOADED.
 *
 * With `lifoWhenOverloaded`, the queue is FIFO in normal operation and LIFO once the class is
 * overloaded (something was refused in the last `calmMs`): "adaptive LIFO" (Maurer, "Fail at Scale",
 * ACM Queue 2015). Under overload the oldest waiters are about to miss their deadline anyway, so
 * serving them first only makes every admitted request wait nearly the whole deadline; serving the
 * newest admits requests that have hardly waited, and the deadline refuses the stale ones.
 *
 * With `queueWhenOverloaded: false`, the queue only absorbs bursts: once the class is overloaded, a request
 * that finds no free place is refused at once instead of waiting (the edge's reads).
 */
export class AdmissionControl {
  private active = 0;
  /** The bound in force: maxConcurrent, or less while the event loop lags under overload (see LoopGovernor). */
  private bound: number;
  private readonly waiting: Waiter[] = [];
  private overloadedUntil = 0;
  refused = 0;
  /** Requests admitted after waiting in the queue, and their total wait. */
  admittedFromQueue = 0;
  queueWaitMs = 0;
  /** Observes each admitted waiter's time in the queue (the Prometheus histogram). */
  onQueueWait?: (ms: number) => void;
  /** Told of each refusal (the LoopGovernor wakes on the first one). */
  onRefuse?: () => void;
  private readonly lifoWhenOverloaded: boolean;
  private readonly queueWhenOverloaded: boolean;
  private readonly calmMs: number;
  private readonly now: () => number;

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
    private readonly timeoutMs: number,
    options: {
      lifoWhenOverloaded?: boolean;
      queueWhenOverloaded?: boolean;
      calmMs?: number;
      /** The clock of the calm period; a test passes its own so that a stalled event loop cannot end the period early. */
      now?: () => number;
    } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lifoWhenOverloaded = options.lifoWhenOverloaded ?? false;
    this.queueWhenOverloaded = options.queueWhenOverloaded ?? true;
    this.calmMs = options.calmMs ?? 1000;
    this.bound = maxConcurrent;
  }

  get limit(): number {
    return this.bound;
  }

  /** The configured bound, the most the bound in force can be. */
  get max(): number {
    return this.maxConcurrent;
  }

  /** How many may wait, and how long (ms) one may wait before it is refused. */
  get queueLimit(): number {
    return this.maxQueue;
  }

  get deadlineMs(): number {
    return this.timeoutMs;
  }

  /** Sets the bound in force (1..maxConcurrent); raising it admits waiters at once. */
  setLimit(limit: number): void {
    this.bound = Math.max(1, Math.min(this.maxConcurrent, Math.round(limit)));
    while (this.active < this.bound && this.waiting.length) this.admitNext();
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  get overloaded(): boolean {
    return this.overloadedUntil > this.now();
  }

  private refuse(): void {
    this.refused++;
    this.overloadedUntil = this.now() + this.calmMs;
    this.onRefuse?.();
  }

  tryEnter(): 'admitted' | 'queued' | 'refused' {
    if (this.active < this.bound) {
      this.active++;
      return 'admitted';
    }
    // Without queueing under overload, a request that finds every place taken while the class is refusing
    // is refused at once: under sustained overload a waiter would mostly wait out its deadline and be
    // refused late, on a timer that fires late when the machine is busy.
    if (this.waiting.length >= this.maxQueue || (!this.queueWhenOverloaded && this.overloaded)) {
      this.refuse();
      return 'refused';
    }
    return 'queued';
  }

  wait(): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        since: performance.now(),
        settle: (admitted) => {
          clearTimeout(timer);
          if (admitted) {
            this.active++;
            this.admittedFromQueue++;
            const waited = performance.now() - waiter.since;
            this.queueWaitMs += waited;
            this.onQueueWait?.(waited);
          } else {
            this.refuse();
          }
          resolve(admitted);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        waiter.settle(false);
      }, this.timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /**
   * Frees a place for the next waiter. The deadline is checked here too: when the process is busy its
   * timers fire late, and a waiter past its deadline is refused rather than admitted, so no admitted
   * request has waited longer than the deadline.
   */
  leave(): void {
    this.active--;
    if (this.active < this.bound) this.admitNext();
  }

  private admitNext(): void {
    const lifo = this.lifoWhenOverloaded && this.overloaded;
    const now = performance.now();
    for (let next = lifo ? this.waiting.pop() : this.waiting.shift(); next; next = lifo ? this.waiting.pop() : this.waiting.shift()) {
      if (now - next.since <= this.timeoutMs) return next.settle(true);
      next.settle(false);
    }
  }
}

interface Waiter {
  since: number;
  settle: (admitted: boolean) => void;
}

/**
 * Under overload, admits only as many reads as leave the event loop time to read and refuse the rest.
 * Every request, admitted or refused, is read and answered by this one event loop; when admitted work
 * fills it, refusals wait in the socket buffers like everything else. So while the class is overloaded
 * (it refused something in the last second) and the loop was busy more than `targetUtilization` of the
 * last interval, the read bound shrinks by a fifth; while it is below that, it grows by 2 (additive
 * increase, multiplicative decrease); once overload has passed it returns to maxConcurrent. Outside
 * overload the bound never moves, so a busy but not overloaded gateway keeps its full concurrency.
 */
export class LoopGovernor {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private last = performance.eventLoopUtilization();
  lastUtilization = 0;
  shrinks = 0;

  constructor(
    private readonly control: AdmissionControl,
    private readonly options: { targetUtilization: number; minConcurrent: number; intervalMs?: number },
  ) {}

  /**
   * Watches the class from now on. The sampling timer runs only from a refusal until the bound is back at
   * maxConcurrent with the overload over (outside overload a sample changes nothing): a gateway that refuses
   * nothing has no timer, where a 50 ms one woke every idle gateway 20 times a second.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.control.onRefuse = () => this.wake();
    if (this.control.overloaded || this.control.limit !== this.control.max) this.wake();
  }

  stop(): void {
    this.started = false;
    if (this.control.onRefuse) this.control.onRefuse = undefined;
    this.sleep();
  }

  /** Whether the sampling timer runs now (it sleeps while nothing is refused). */
  get sampling(): boolean {
    return this.timer !== undefined;
  }

  private wake(): void {
    if (!this.started || this.timer) return;
    this.last = performance.eventLoopUtilization();
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.observe(performance.eventLoopUtilization(now, this.last).utilization);
      this.last = now;
      if (!this.control.overloaded && this.control.limit === this.control.max) this.sleep();
    }, this.options.intervalMs ?? 50);
    this.timer.unref();
  }

  private sleep(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample: the share of the last interval the event loop was busy (0..1). */
  observe(utilization: number): void {
    this.lastUtilization = utilization;
    const { targetUtilization, minConcurrent } = this.options;
    const maxConcurrent = this.control.max;
    const limit = this.control.limit;
    if (!this.control.overloaded) {
      if (limit !== maxConcurrent) this.control.setLimit(maxConcurrent);
      return;
    }
    if (utilization > targetUtilization) {
      this.shrinks++;
      this.control.setLimit(Math.max(Math.min(minConcurrent, maxConcurrent), Math.floor(limit * 0.8)));
    } else if (limit < maxConcurrent) {
      this.control.setLimit(limit + 2);
    }
  }
}

/** Mutations (bookings) are admitted from their own budget. */
export function isMutation(body: unknown): boolean {
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' && /^\s*(#[^\n]*\n\s*)*mutation\b/.test(query);
}

/** What /metrics reports of each admission class. */
export function admissionMetrics(classes: Record<string, AdmissionControl>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(classes).map(([name, a]) => [
      name,
      {
        inFlight: a.inFlight,
        limit: a.limit,
        queued: a.queued,
        refused: a.refused,
        admittedFromQueue: a.admittedFromQueue,
        queueWaitMs: a.queueWaitMs,
      },
    ]),
  );
}

import { fork, type ChildProcess } from 'node:child_process';
import type { EmbeddedPg } from '@victori/shared';

/** How a dead process is restarted: exponential back-off with a cap and jitter, reset after a stable run. */
export interface RestartPolicy {
  /** The first restart's delay. */
  initialDelayMs: number;
  /** No delay grows beyond this. */
  maxDelayMs: number;
  /** A process that stayed up this long starts again from initialDelayMs when it next dies. */
  resetAfterMs: number;
  /** ± this fraction of each delay, at random, so that processes killed together do not restart in lockstep. */
  jitter: number;
  /** How long a (re)started process may take to answer its health check. */
  startTimeoutMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  resetAfterMs: 30_000,
  jitter: 0.2,
  startTimeoutMs: 60_000,
};

/** The delay before restart number `attempt` (0 for the first). */
export function backoffDelay(policy: RestartPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(policy.maxDelayMs, base * (1 - policy.jitter + 2 * policy.jitter * random())));
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One supervised process: something that can be started (resolving once it serves), watched and stopped. */
export interface Unit {
  readonly name: string;
  /** Starts the process and resolves once it serves; rejects (leaving nothing running) if it does not. */
  start(): Promise<void>;
  /** The running process's pid, if any. */
  readonly pid: number | undefined;
  /** Resolves when the process started last exits. */
  exited(): Promise<ExitInfo>;
  /** Stops the process, if any is running or starting. */
  stop(): Promise<void>;
}

export interface SupervisorEvents {
  /** A process died while the platform was not stopping; it will be restarted. */
  onExit?(name: string, info: ExitInfo, upMs: number): void;
  /** A restart attempt failed; the next one waits `nextDelayMs`. */
  onRestartFailed?(name: string, error: Error, nextDelayMs: number): void;
  /** A dead process serves again, `downMs` after it died. */
  onRestarted?(name: string, pid: number | undefined, downMs: number): void;
}

/**
 * Keeps each unit running: when one dies it is restarted on its own, with back-off, while the others
 * keep serving. Nothing is restarted once stop() has begun.
 */
export class Supervisor {
  private readonly units = new Map<string, Unit>();
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  /** Every restart so far, for metrics and tests. */
  readonly restarts: { name: string; downMs: number; attempts: number }[] = [];

  /** With `false`, a death is only reported (onExit), nothing is restarted. */
  constructor(
    private readonly policy: RestartPolicy | false = DEFAULT_RESTART_POLICY,
    private readonly events: SupervisorEvents = {},
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  pid(name: string): number | undefined {
    return this.units.get(name)?.pid;
  }

  /** Starts the unit the first time (a failure here is thrown: a platform that cannot start should say so) and watches it. */
  async add(unit: Unit): Promise<void> {
    this.units.set(unit.name, unit);
    await unit.start();
    this.watch(unit, Date.now(), 0);
  }

  /** Watches a unit that is already running (started before the supervisor existed). */
  adopt(unit: Unit): void {
    this.units.set(unit.name, unit);
    this.watch(unit, Date.now(), 0);
  }

  private watch(unit: Unit, startedAt: number, attemptsSoFar: number): void {
    void unit.exited().then(async (info) => {
      if (this.stopping) return;
      const diedAt = Date.now();
      const upMs = diedAt - startedAt;
      this.events.onExit?.(unit.name, info, upMs);
      const policy = this.policy;
      if (!policy) return;
      let attempt = upMs >= policy.resetAfterMs ? 0 : attemptsSoFar;
      let tries = 0;
      let delay = backoffDelay(policy, attempt);
      for (;;) {
        await this.sleep(delay);
        if (this.stopping) return;
        attempt++;
        tries++;
        try {
          await unit.start();
          break;
        } catch (error) {
          if (this.stopping) return;
          delay = backoffDelay(policy, attempt);
          this.events.onRestartFailed?.(unit.name, error as Error, delay);
        }
      }
      const downMs = Date.now() - diedAt;
      this.restarts.push({ name: unit.name, downMs, attempts: tries });
      this.events.onRestarted?.(unit.name, unit.pid, downMs);
      this.watch(unit, Date.now(), attempt);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** From now on nothing is restarted (a pending restart is dropped); what runs keeps running. */
  halt(): void {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Stops restarting, then stops the units group by group: each group's members in parallel, groups in
   * order (the front door first, so no new work arrives at what is being stopped).
   */
  async stop(order: string[][]): Promise<void> {
    this.halt();
    const named = new Set(order.flat());
    const rest = [...this.units.keys()].filter((n) => !named.has(n));
    for (const group of [...order, rest]) {
      await Promise.all(group.map((name) => this.units.get(name)?.stop()));
    }
  }
}

/** Polls a health URL until it answers OK; fails early when the child exits. */
export async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${url} exited (code ${child.exitCode}, signal ${child.signalCode}) during start`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ForkedUnitOptions {
  name: string;
  /** Absolute path of the compiled entry. */
  entry: string;
  env: NodeJS.ProcessEnv;
  healthUrl: string;
  stdio?: 'inherit' | 'ignore';
  startTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL when stopping. */
  stopGraceMs?: number;
  /** Runs after each start once the process serves (for example to lower its priority). */
  onStarted?(pid: number): void;
}

/**
 * A Node.js entry run with `fork`: the IPC channel makes the child exit when this process dies, even by
 * SIGKILL, so a killed `npm start` leaves no Node.js orphans.
 */
export function forkedUnit(options: ForkedUnitOptions): Unit {
  let child: ChildProcess | undefined;
  return {
    name: options.name,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async start() {
      const started = fork(options.entry, [], { env: options.env, stdio: options.stdio ?? 'inherit' });
      child = started;
      try {
        await waitHealthy(options.healthUrl, started, options.startTimeoutMs);
      } catch (error) {
        await stopChild(started, 1000);
        throw error;
      }
      if (started.pid !== undefined) options.onStarted?.(started.pid);
    },
    exited() {
      const current = child;
      return new Promise((resolve) => {
        if (!current || current.exitCode !== null || current.signalCode !== null)
          return resolve({ code: current?.exitCode ?? null, signal: current?.signalCode ?? null });
        current.once('exit', (code, signal) => resolve({ code, signal }));
      });
    },
    stop: () => (child ? stopChild(child, options.stopGraceMs) : Promise.resolve()),
  };
}

/** The embedded PostgreSQL as a supervised unit: a crash is restarted like any child, on the same data and port. */
export function embeddedPgUnit(pg: EmbeddedPg): Unit {
  return {
    name: 'postgres',
    get pid() {
      return pg.pid;
    },
    start: () => pg.restart(),
    exited: () => pg.exited(),
    stop: () => pg.stop(),
  };
}

import os from 'node:os';
import path from 'node:path';
import { SERVICES, type ServiceName } from '@victori/shared';
import { REPO_ROOT } from './local.js';
import type { DatabaseUrls } from './platform.js';
import { forkedUnit, Supervisor, type RestartPolicy, type SupervisorEvents, type Unit } from './supervisor.js';

export interface LaunchOptions {
  host: string;
  /** With an `edge` port, the edge is the public front door in front of the gateway. */
  ports: Record<ServiceName | 'gateway', number> & { edge?: number };
  databaseUrls: DatabaseUrls;
  gatewaySecret: string;
  piiKey: string;
  jwtPublicKey: string;
  /** PEM of the key identity signs access tokens with (given to identity only). */
  jwtPrivateKey?: string;
  /** Extra environment for every process, and per process. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  gatewayEnv?: Record<string, string>;
  edgeEnv?: Record<string, string>;
  stdio?: 'inherit' | 'ignore';
  /** Give the edge the CPU first: the gateway and subgraphs at a lower priority (favourEdge); on unless false. */
  favourEdge?: boolean;
  /** Called when a process exits while the platform is not stopping. */
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Restart a process that dies (npm start); without it a death is only reported (benchmarks). */
  restart?: RestartPolicy;
  supervisorEvents?: SupervisorEvents;
  /** Where the edge (the public port) binds; `host` when unset. */
  edgeHost?: string;
  /** SIGTERM grace before SIGKILL for each process when stopping. */
  stopGraceMs?: number;
}

export interface LaunchedPlatform {
  /** Where citizens' apps connect: the edge when there is one, else the gateway. */
  publicUrl: string;
  gatewayUrl: string;
  serviceUrls: Record<ServiceName, string>;
  /** Live pids: after a restart, the new process's. */
  pids: Record<ServiceName | 'gateway', number> & { edge?: number };
  supervisor: Supervisor;
  /** The edge first, then the gateway, then the subgraphs together. */
  stop(): Promise<void>;
}

/**
 * When the edge shares cores with the work it protects, it gets the CPU first: under a surge every
 * process is runnable, and a refusal should not wait for the scheduler behind the gateway and subgraphs.
 * So they run at niceness 5, below the edge and below PostgreSQL, which they wait on (any user may lower
 * a priority). Raising the edge above everything else instead (niceness -10) measured worse: it also put
 * it ahead of PostgreSQL and of the clients on the same machine. On a machine or container of its own,
 * this changes nothing. Returns how many processes were lowered.
 */
export function favourEdge(workerPids: number[]): number {
  let lowered = 0;
  for (const pid of workerPids) {
    try {
      os.setPriority(pid, 5);
      lowered++;
    } catch {
      // a process that has already exited
    }
  }
  return lowered;
}

/** The gateway's and subgraphs' pids: the processes favourEdge lowers. */
export function workerPids(pids: LaunchedPlatform['pids']): number[] {
  return [...SERVICES.map((s) => pids[s]), pids.gateway];
}

export { stopChild, waitHealthy } from './supervisor.js';

/**
 * The four subgraphs, the gateway and (with ports.edge) the edge as child processes (the compiled dist
 * entries), under a Supervisor: with `restart`, a child that dies is restarted with back-off while the
 * others keep serving. Children have an IPC channel: if this process dies, they see the disconnect and
 * exit, leaving no orphans.
 */
export async function launchPlatform(options: LaunchOptions): Promise<LaunchedPlatform> {
  const { host, ports } = options;
  // Only the edge is meant to be reachable from outside; everything behind it binds `host` (loopback by default).
  const edgeHost = options.edgeHost ?? host;
  const gatewayUrl = `http://${host}:${ports.gateway}/graphql`;
  const baseEnv = {
    ...process.env,
    HOST: host,
    GATEWAY_URL: gatewayUrl,
    GATEWAY_SECRET: options.gatewaySecret,
    PII_KEY: options.piiKey,
    ...options.env,
  };
  const supervisor = new Supervisor(options.restart ?? false, {
    onExit: (name, info) => options.onUnexpectedExit?.(name, info.code, info.signal),
    ...options.supervisorEvents,
  });
  const lower = options.favourEdge !== false && ports.edge !== undefined;
  const unit = (name: string, entry: string, healthUrl: string, extra: Record<string, string>): Unit =>
    forkedUnit({
      name,
      entry: path.join(REPO_ROOT, entry),
      env: { ...baseEnv, ...extra },
      healthUrl,
      stdio: options.stdio,
      stopGraceMs: options.stopGraceMs,
      startTimeoutMs: options.restart ? options.restart.startTimeoutMs : undefined,
      // A restarted worker goes back below the edge too.
      onStarted: name === 'edge' || !lower ? undefined : (pid) => favourEdge([pid]),
    });
  const serviceUrls = {} as Record<ServiceName, string>;
  const edgeUrl = ports.edge === undefined ? undefined : `http://${edgeHost}:${ports.edge}/graphql`;
  const stop = (): Promise<void> => supervisor.stop([['edge'], ['gateway'], [...SERVICES]]);
  try {
    // Nothing needs another process to start: the subgraphs not each other (events wait in the bus), the
    // gateway not the subgraphs (it reads the supergraph from its file; its /ready asks them later), the edge
    // not the gateway (it only forwards). So all start together: one after another, a restart of npm start
    // spent 8 s on the subgraphs, and the gateway and the edge after them ran on one core of two while the
    // other idled. allSettled: a failure stops them all only after every start has finished, so no child is
    // left half-started.
    const starts: Promise<void>[] = SERVICES.map((name) => {
      const prefix = name.toUpperCase();
      serviceUrls[name] = `http://${host}:${ports[name]}/graphql`;
      return supervisor.add(
        unit(name, `services/${name}/dist/index.js`, `http://${host}:${ports[name]}/health`, {
          [`${prefix}_PORT`]: String(ports[name]),
          [`${prefix}_DATABASE_URL`]: options.databaseUrls.services[name],
          BUS_DATABASE_URL: options.databaseUrls.bus,
          ...(name === 'identity' && options.jwtPrivateKey ? { JWT_PRIVATE_KEY: options.jwtPrivateKey } : {}),
          ...options.serviceEnv?.[name],
        }),
      );
    });
    starts.push(
      supervisor.add(
        unit('gateway', 'gateway/dist/index.js', `http://${host}:${ports.gateway}/health`, {
          GATEWAY_PORT: String(ports.gateway),
          ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, serviceUrls[s]])),
          JWT_PUBLIC_KEY: options.jwtPublicKey,
          // The edge tells the gateway who the client is; nobody else may.
          ...(edgeUrl ? { GATEWAY_TRUSTED_PROXIES: host } : {}),
          ...options.gatewayEnv,
        }),
      ),
    );
    if (ports.edge !== undefined) {
      starts.push(
        supervisor.add(
          unit('edge', 'gateway/dist/edge-main.js', `http://${edgeHost}:${ports.edge}/health`, {
            HOST: edgeHost,
            EDGE_PORT: String(ports.edge),
            EDGE_UPSTREAM_URL: `http://${host}:${ports.gateway}`,
            ...options.edgeEnv,
          }),
        ),
      );
    }
    const failed = (await Promise.allSettled(starts)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  const pidOf = (name: string): number => supervisor.pid(name) ?? 0;
  // Live: after a restart each name gives the new process's pid (0 while it is down).
  const pids = {
    get booking() {
      return pidOf('booking');
    },
    get inventory() {
      return pidOf('inventory');
    },
    get immunization() {
      return pidOf('immunization');
    },
    get reporting() {
      return pidOf('reporting');
    },
    get identity() {
      return pidOf('identity');
    },
    get feedback() {
      return pidOf('feedback');
    },
    get gateway() {
      return pidOf('gateway');
    },
  } as LaunchedPlatform['pids'];
  // Defined, not spread: a spread getter would be read once, and the edge's pid would stay the first one.
  if (ports.edge !== undefined) Object.defineProperty(pids, 'edge', { get: () => pidOf('edge'), enumerable: true });
  return { publicUrl: edgeUrl ?? gatewayUrl, gatewayUrl, serviceUrls, pids, supervisor, stop };
}

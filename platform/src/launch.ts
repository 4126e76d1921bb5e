import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { SERVICES, type ServiceName } from '@victori/shared';
import { REPO_ROOT } from './local.js';
import type { DatabaseUrls } from './platform.js';

export interface LaunchOptions {
  host: string;
  /** With an `edge` port, the edge is the public front door in front of the gateway. */
  ports: Record<ServiceName | 'gateway', number> & { edge?: number };
  databaseUrls: DatabaseUrls;
  gatewaySecret: string;
  piiKey: string;
  jwtPublicKey: string;
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
}

export interface LaunchedPlatform {
  /** Where citizens' apps connect: the edge when there is one, else the gateway. */
  publicUrl: string;
  gatewayUrl: string;
  serviceUrls: Record<ServiceName, string>;
  pids: Record<ServiceName | 'gateway', number> & { edge?: number };
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

/** Polls a health URL until it answers OK; fails early when the child process exits. */
export async function waitHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} during start`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
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

/**
 * The four subgraphs, the gateway and (with ports.edge) the edge as child processes (the compiled dist entries). Children
 * have an IPC channel: if this process dies, they see the disconnect and exit, leaving no orphans.
 */
export async function launchPlatform(options: LaunchOptions): Promise<LaunchedPlatform> {
  const { host, ports } = options;
  const gatewayUrl = `http://${host}:${ports.gateway}/graphql`;
  const baseEnv = {
    ...process.env,
    HOST: host,
    GATEWAY_URL: gatewayUrl,
    GATEWAY_SECRET: options.gatewaySecret,
    PII_KEY: options.piiKey,
    ...options.env,
  };
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    // Gateway first (no new work), then the subgraphs.
    for (const child of [...children].reverse()) await stopChild(child);
  };
  const spawn = (name: string, entry: string, extra: Record<string, string>): ChildProcess => {
    const child = fork(path.join(REPO_ROOT, entry), [], { env: { ...baseEnv, ...extra }, stdio: options.stdio ?? 'inherit' });
    child.once('exit', (code, signal) => {
      if (!stopping) options.onUnexpectedExit?.(name, code, signal);
    });
    children.push(child);
    return child;
  };
  const serviceUrls = {} as Record<ServiceName, string>;
  const pids = {} as LaunchedPlatform['pids'];
  const edgeUrl = ports.edge === undefined ? undefined : `http://${host}:${ports.edge}/graphql`;
  try {
    for (const name of SERVICES) {
      const prefix = name.toUpperCase();
      serviceUrls[name] = `http://${host}:${ports[name]}/graphql`;
      const child = spawn(name, `services/${name}/dist/index.js`, {
        [`${prefix}_PORT`]: String(ports[name]),
        [`${prefix}_DATABASE_URL`]: options.databaseUrls.services[name],
        BUS_DATABASE_URL: options.databaseUrls.bus,
        ...options.serviceEnv?.[name],
      });
      pids[name] = child.pid!;
      await waitHealthy(`http://${host}:${ports[name]}/health`, child);
    }
    const gateway = spawn('gateway', 'gateway/dist/index.js', {
      GATEWAY_PORT: String(ports.gateway),
      ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, serviceUrls[s]])),
      JWT_PUBLIC_KEY: options.jwtPublicKey,
      // The edge tells the gateway who the client is; nobody else may.
      ...(edgeUrl ? { GATEWAY_TRUSTED_PROXIES: host } : {}),
      ...options.gatewayEnv,
    });
    pids.gateway = gateway.pid!;
    await waitHealthy(`http://${host}:${ports.gateway}/health`, gateway);
    if (ports.edge !== undefined) {
      const edge = spawn('edge', 'gateway/dist/edge-main.js', {
        EDGE_PORT: String(ports.edge),
        EDGE_UPSTREAM_URL: `http://${host}:${ports.gateway}`,
        ...options.edgeEnv,
      });
      pids.edge = edge.pid!;
      await waitHealthy(`http://${host}:${ports.edge}/health`, edge);
      if (options.favourEdge !== false) favourEdge(workerPids(pids));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { publicUrl: edgeUrl ?? gatewayUrl, gatewayUrl, serviceUrls, pids, stop };
}

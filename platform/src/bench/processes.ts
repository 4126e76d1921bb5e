import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeClaims, HEADER_CLAIMS, HEADER_REQUEST_ID, HEADER_SIGNATURE, signClaims, SERVICES, type ServiceName } from '@victori/shared';
import { stopChild, waitHealthy } from '../launch.js';
import { REPO_ROOT } from '../local.js';
import type { LoadResult, LoadSpec } from './load.js';

export interface Proc {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function stoppable(name: string, child: ChildProcess): Proc {
  return { name, child, stop: () => stopChild(child, 5000) };
}

/** Forks one of our compiled entries on `port` (given in `portVariable`) and waits until it is healthy. */
async function startEntry(name: string, entry: string, portVariable: string, port: number, env: Record<string, string>): Promise<Proc> {
  const child = fork(path.join(REPO_ROOT, entry), [], { env: { ...process.env, ...env, [portVariable]: String(port) }, stdio: 'inherit' });
  await waitHealthy(`http://127.0.0.1:${port}/health`, child);
  return stoppable(name, child);
}

/** Another instance of our gateway over the same subgraphs (e.g. with the public cache on). */
export const startOurGateway = (name: string, port: number, env: Record<string, string>): Promise<Proc> =>
  startEntry(name, 'gateway/dist/index.js', 'GATEWAY_PORT', port, env);

/** Another edge (the public front door) in front of `EDGE_UPSTREAM_URL`. */
export const startEdge = (name: string, port: number, env: Record<string, string>): Promise<Proc> =>
  startEntry(name, 'gateway/dist/edge-main.js', 'EDGE_PORT', port, env);

/** Another booking subgraph instance on the same databases (e.g. with different rate limits). */
export const startBookingInstance = (name: string, port: number, env: Record<string, string>): Promise<Proc> =>
  startEntry(name, 'services/booking/dist/index.js', 'BOOKING_PORT', port, env);

/** Static headers that let a peer gateway reach our subgraphs as an anonymous client. */
export function anonymousSubgraphHeaders(secret: string, requestId = 'bench-peer'): Record<string, string> {
  const claims = encodeClaims({ role: 'anonymous' });
  return { [HEADER_REQUEST_ID]: requestId, [HEADER_CLAIMS]: claims, [HEADER_SIGNATURE]: signClaims(secret, requestId, claims) };
}

/** The supergraph with its routing URLs pointed at the subgraphs this run started. */
export function supergraphFor(serviceUrls: Record<ServiceName, string>, file: string): string {
  let sdl = readFileSync(path.join(REPO_ROOT, 'supergraph.graphql'), 'utf8');
  for (const name of SERVICES) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]+(")`), `$1${serviceUrls[name]}$2`);
  }
  writeFileSync(file, sdl);
  return file;
}

/**
 * Hive Gateway (the peer), serving the same supergraph over the same subgraphs; a config plugin adds the
 * signed anonymous identity our subgraphs require. `planner: 'default'` is its default JavaScript
 * (stitching) runtime; `'rust'` is the Rust query planner of Hive Router (`@graphql-hive/router-runtime`,
 * its `unifiedGraphHandler` in the config file), the strongest Node federation gateway we know of.
 */
export async function startHiveGateway(
  dir: string,
  port: number,
  supergraphFile: string,
  secret: string,
  planner: 'default' | 'rust' = 'default',
): Promise<Proc> {
  const config = path.join(dir, `gateway-${planner}.config.mjs`);
  // Imported by its resolved URL: the config file lives in the run's scratch directory.
  const runtime =
    planner === 'rust' ? `import { unifiedGraphHandler } from '${import.meta.resolve('@graphql-hive/router-runtime')}';\n` : '';
  writeFileSync(
    config,
    `${runtime}const headers = ${JSON.stringify(anonymousSubgraphHeaders(secret, 'hive-peer'))};
export const gatewayConfig = {
  ${planner === 'rust' ? 'unifiedGraphHandler,' : ''}
  plugins: () => [{
    onFetch({ options, setOptions }) {
      setOptions({ ...options, headers: { ...(options.headers || {}), ...headers } });
    },
  }],
};
`,
  );
  const bin = path.join(REPO_ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
  const child = spawn(process.execPath, [bin, 'supergraph', supergraphFile, '--port', String(port), '--host', '127.0.0.1', '-c', config], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitHealthy(`http://127.0.0.1:${port}/healthcheck`, child);
  return stoppable(planner === 'rust' ? 'hive-gateway-rust' : 'hive-gateway', child);
}

/** Runs one load from a separate process (autocannon), so the driver never competes in-process. */
/** `onMeasuring` is called when a paced run with a warm-up starts its measured part (readings taken before it then). */
export async function runLoadProcess(spec: LoadSpec, dir: string, onMeasuring?: () => void): Promise<LoadResult> {
  const file = path.join(dir, `load-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  // No IPC channel: it would keep the load process alive after its run.
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'platform/dist/bench/load.js'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let told = false;
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (!told && out.includes(MEASURING_LINE)) {
      told = true;
      onMeasuring?.();
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load process failed (${code})`);
  // Readings taken now would span no measured time at all: a run without its line is a broken run.
  if (spec.warmupSec && !told) throw new Error('load process ended its warm-up without saying so (MEASURING_LINE)');
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/** What the load process writes when its warm-up ends and the measured run begins (load.ts). */
export const MEASURING_LINE = '{"measuring":true}';

/** Peak resident memory (VmHWM) of a process, in MiB. */
export function peakRssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The overload floor: a bare node:http server that refuses every request (floor-server.ts). */
export async function startFloorServer(port: number): Promise<Proc> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'platform/dist/bench/floor-server.js'), String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitHealthy(`http://127.0.0.1:${port}/health`, child);
  return stoppable('floor-server', child);
}

/**
 * Resets a process's peak resident memory (VmHWM) to its current RSS (Linux: `5` into clear_refs), so the
 * next reading is the peak of what ran since. False where the kernel or permissions do not allow it.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** A process and all its descendants (e.g. PostgreSQL's postmaster and its backends), from /proc. */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/**
 * CPU seconds a process tree has used so far: every live member's own time plus the root's reaped
 * children (cutime, cstime), so short-lived backends and workers that ended are counted too.
 */
export function treeCpuSeconds(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) total += cpuSeconds(pid);
  try {
    const fields = readFileSync(`/proc/${root}/stat`, 'utf8').split(') ')[1]!.split(' ');
    total += (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
  return total;
}

/** Busy share of the machine's CPU time (all cores) between two readings of /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

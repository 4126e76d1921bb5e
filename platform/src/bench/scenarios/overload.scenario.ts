import os from 'node:os';
import { workerPids } from '../../launch.js';
import { freePort } from '../../platform.js';
import type { LoadResult } from '../load.js';
import { cpuSeconds, machineCpu, peakRssMiB, startFloorServer, startOurGateway } from '../processes.js';
import type { OverloadRound, RunCpu } from '../report.js';
import { median } from '../stats.js';
import { METRICS_TOKEN, progress, READ_BOUND, type BenchContext } from '../scenario.js';
import type { ReadTargets } from './read-targets.js';

/**
 * Overload: capacity at the admission bound, then 3x that rate paced at ours (edge), the gateway alone,
 * ours with the workers at default niceness and a floor server; the checks the README reports.
 */
export async function overloadScenario(ctx: BenchContext, reads: ReadTargets): Promise<void> {
  const { report, quick, procs, platform, gatewayBase, subgraphEnv } = ctx;
  const { load, oneBody } = reads;
  progress(
    'overload: capacity at the admission bound (uncontended), then 3x capacity paced: ours (edge), gateway alone, ours with the workers at default niceness, floor server\n',
  );
  // The platform lowers its gateway and subgraphs (favourEdge); one variant puts them back at the
  // default niceness for its run. Going back up needs privileges: without them the variant is skipped.
  const workers = workerPids(platform.pids);
  const niceWorkers = (nice: number): boolean => {
    try {
      for (const pid of workers) os.setPriority(pid, nice);
      return true;
    } catch {
      return false;
    }
  };
  const canRestorePriority = niceWorkers(0) && niceWorkers(5);
  const floorPort = await freePort();
  const floorServer = await startFloorServer(floorPort);
  procs.push(floorServer);
  const targets = {
    // The edge's CPU and the gateway's behind it.
    ours: { url: platform.publicUrl, pids: [platform.pids.edge!, platform.pids.gateway] },
    gatewayAlone: { url: platform.gatewayUrl, pids: [platform.pids.gateway] },
    edgeNoPriority: { url: platform.publicUrl, pids: [platform.pids.edge!, platform.pids.gateway] },
    floor: { url: `http://127.0.0.1:${floorPort}/graphql`, pids: [floorServer.child.pid!] },
  };
  await load(targets.ours.url, oneBody, { duration: 1 });
  const serverCpu = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const readQueue = async (url: string): Promise<{ admittedFromQueue: number; queueWaitMs: number }> => {
    const m = (await (await fetch(new URL('/metrics.json', url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as {
      admission: { read: { admittedFromQueue: number; queueWaitMs: number } };
    };
    return m.admission.read;
  };
  type Variant = keyof typeof targets;
  const overloaded = async (variant: Variant, offered: number): Promise<{ run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }> => {
    const { url, pids } = targets[variant];
    const before = variant === 'floor' ? undefined : await readQueue(url);
    const serverBefore = serverCpu(pids);
    const machineBefore = machineCpu();
    if (variant === 'edgeNoPriority') niceWorkers(0);
    const run = await load(url, oneBody, {
      connections: 4 * READ_BOUND,
      overallRate: offered,
      paced: true,
      timeoutSec: 10,
      duration: overloadSeconds,
    });
    if (variant === 'edgeNoPriority') niceWorkers(5);
    const machineAfter = machineCpu();
    const cpu = {
      serverSeconds: serverCpu(pids) - serverBefore,
      loadSeconds: run.loadCpuSeconds ?? NaN,
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
    if (!before) return { run, meanQueueWaitMs: 0, cpu };
    const after = await readQueue(url);
    const n = after.admittedFromQueue - before.admittedFromQueue;
    return { run, meanQueueWaitMs: n > 0 ? (after.queueWaitMs - before.queueWaitMs) / n : 0, cpu };
  };
  // Rounds of: capacity at the admission bound (uncontended: as many clients as the gateway admits at
  // once, so nothing waits at the gate), then 3x that rate, paced, at each variant (order reversed
  // every other round so neither end of a round favours one variant).
  const rounds: OverloadRound[] = [];
  const overloadSeconds = quick ? 3 : 4;
  const order: Variant[] = ['ours', 'gatewayAlone', ...(canRestorePriority ? (['edgeNoPriority'] as const) : []), 'floor'];
  for (let i = 0; i < (quick ? 1 : 2); i++) {
    const uncontended = await load(platform.publicUrl, oneBody, { connections: READ_BOUND, duration: overloadSeconds });
    const offered = Math.round(uncontended.okThroughput * 3);
    const runs = {} as Record<Exclude<Variant, 'edgeNoPriority'>, { run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }> &
      Partial<Record<'edgeNoPriority', { run: LoadResult; meanQueueWaitMs: number; cpu: RunCpu }>>;
    for (const variant of i % 2 === 0 ? order : [...order].reverse()) runs[variant] = await overloaded(variant, offered);
    rounds.push({
      uncontended,
      offered,
      result: runs.ours.run,
      meanQueueWaitMs: runs.ours.meanQueueWaitMs,
      gatewayAlone: runs.gatewayAlone.run,
      gatewayAloneMeanQueueWaitMs: runs.gatewayAlone.meanQueueWaitMs,
      edgeNoPriority: runs.edgeNoPriority?.run,
      edgeNoPriorityMeanQueueWaitMs: runs.edgeNoPriority?.meanQueueWaitMs,
      floor: runs.floor.run,
      cpu: {
        ours: runs.ours.cpu,
        edgeNoPriority: runs.edgeNoPriority?.cpu,
        gatewayAlone: runs.gatewayAlone.cpu,
        floor: runs.floor.cpu,
      },
    });
  }
  const last = rounds.at(-1)!;
  const alive = await Promise.all(
    [platform.publicUrl, platform.gatewayUrl, ...Object.values(platform.serviceUrls)].map(
      async (u) => (await fetch(new URL('/health', u))).ok,
    ),
  );
  // Before/after: the same offered load at a gateway without admission control.
  const unboundedPort = await freePort();
  const unbounded = await startOurGateway('gateway-unbounded', unboundedPort, {
    ...gatewayBase,
    ...subgraphEnv,
    GATEWAY_PUBLIC_CACHE_MS: '0',
    GATEWAY_READ_MAX_CONCURRENT: '100000',
  });
  procs.push(unbounded);
  const withoutAdmission = await load(`http://127.0.0.1:${unboundedPort}/graphql`, oneBody, {
    connections: 4 * READ_BOUND,
    overallRate: last.offered,
    paced: true,
    timeoutSec: 10,
    duration: overloadSeconds,
  });
  const med = (f: (r: OverloadRound) => number): number => median(rounds.map(f));
  const uncontendedP99 = med((r) => r.uncontended.latency.p99);
  const admittedP99 = med((r) => r.result.admittedLatency.p99);
  const refusedP99 = med((r) => r.result.refusedLatency.p99);
  const refused = rounds.reduce((a, r) => a + (r.result.outcomes.OVERLOADED ?? 0), 0);
  report.overload = {
    capacity: med((r) => r.uncontended.okThroughput),
    uncontended: last.uncontended,
    offered: last.offered,
    result: last.result,
    withoutAdmission,
    rounds,
    uncontendedP99,
    admittedP99,
    refusedP99,
    floorRefusedP99: med((r) => r.floor.refusedLatency.p99),
    checks: {
      'excess refused with OVERLOADED': refused > 0,
      'refusals answered in under 50 ms (p99)': refused > 0 && refusedP99 < 50,
      'every refusal has Retry-After': rounds.every((r) => r.result.retryAfterMissing === 0),
      'admitted p99 within 2x uncontended p99': admittedP99 <= 2 * uncontendedP99,
      'no HTTP 500, no timeouts': rounds.every((r) => (r.result.status['500'] ?? 0) === 0 && r.result.timeouts === 0),
      'no process crashed': alive.every(Boolean),
    },
    peakRssMiB: Object.fromEntries(Object.entries(platform.pids).map(([k, pid]) => [k, peakRssMiB(pid)])),
  };
}

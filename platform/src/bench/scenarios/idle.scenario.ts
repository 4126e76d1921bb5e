import { readFileSync } from 'node:fs';
import { cpuSeconds, treeCpuSeconds } from '../processes.js';
import { progress, settle, type BenchContext } from '../scenario.js';

/** How long the idle platform is watched. */
export const IDLE_SECONDS = 60;
const QUIET_BEFORE_MS = 12_000;

/**
 * Cost at rest: CPU of the whole platform (edge, gateway, every subgraph, and PostgreSQL's postmaster with
 * all its backends and workers) over a quiet minute after start, with no traffic at all, from /proc.
 */
export async function idleScenario(ctx: BenchContext, postmasterPid: number | undefined, seconds = IDLE_SECONDS): Promise<void> {
  const { report, platform } = ctx;
  const drained = await settle(platform);
  progress(`idle: events drained ${drained.toFixed(0)} s after start; quiet for ${QUIET_BEFORE_MS / 1000} s first\n`);
  // settle() itself asks every service for its /metrics: let those requests' after-effects pass (a
  // service samples its event loop for 10 s after its last request), then measure a platform nobody calls.
  await new Promise((r) => setTimeout(r, QUIET_BEFORE_MS));
  progress(`idle: the whole platform without traffic for ${seconds} s\n`);
  const members: [string, () => number][] = Object.entries(platform.pids).map(([name, pid]) => [name, () => cpuSeconds(pid)]);
  if (postmasterPid) members.push(['postgresql (all processes)', () => treeCpuSeconds(postmasterPid)]);
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const before = members.map(([, read]) => read());
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const cpuPercent = Object.fromEntries(members.map(([name, read], i) => [name, ((read() - before[i]!) / elapsed) * 100]));
  const totalPercent = Object.values(cpuPercent).reduce((a, b) => a + b, 0);
  progress(`idle: ${totalPercent.toFixed(1)}% of one core in all\n`);
  report.idle = { seconds: elapsed, cpuPercent, totalPercent, loadavg };
}

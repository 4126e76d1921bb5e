import { median } from '../stats.js';
import { cpuSeconds, runLoadProcess, treeCpuSeconds } from '../processes.js';
import { progress, type BenchContext } from '../scenario.js';
import { runStormCeiling, setupStorm, STORM_MUTATION, verifyStorm, type CeilingResult, type CeilingVariant } from '../storm.js';

/**
 * The booking storm: attempts at slots with few places through the public port, checked against the
 * database (no overbooking), and the same statements straight at PostgreSQL (the ceiling; atomic vs naive).
 */
export async function stormScenario(ctx: BenchContext, postmasterPid?: number): Promise<void> {
  const { report, quick, work, platform, urls, secrets, admin } = ctx;
  const attempts = quick ? 8000 : 20_000;
  // Runs straight at PostgreSQL, each on a fresh set of sessions of the same size; the naive variant
  // runs between atomic ones so warm-up and table growth favour neither.
  const plan: { variant: CeilingVariant; poolSize: number }[] = [
    { variant: 'atomic', poolSize: 20 },
    { variant: 'naive', poolSize: 20 },
    { variant: 'atomic', poolSize: 5 },
    { variant: 'atomic', poolSize: 50 },
  ];
  progress(`storm: setting up 10 sessions x 500 places (and ${plan.length} x 10 more for the runs at PostgreSQL)\n`);
  const storm = await setupStorm(platform.gatewayUrl, admin, plan.length, attempts);
  progress(`storm: ${attempts} attempts, 1,000 connections, through the public port (edge, gateway)\n`);
  // Where a booking's CPU goes: each process's CPU seconds during the run, per attempt.
  const members: [string, () => number][] = [
    ...Object.entries(platform.pids).map(([name, pid]): [string, () => number] => [name, () => cpuSeconds(pid)]),
    ...(postmasterPid ? [['postgresql', () => treeCpuSeconds(postmasterPid)] as [string, () => number]] : []),
  ];
  const cpuBefore = members.map(([, read]) => read());
  const gatewayRun = await runLoadProcess(
    {
      url: platform.publicUrl,
      connections: 1000,
      amount: attempts,
      timeoutSec: 30,
      storm: { slotIds: storm.gatewaySlots, doseKind: storm.doseKind, firstSerial: 1, mutation: STORM_MUTATION },
    },
    work,
  );
  const cpuMsPerAttempt = Object.fromEntries(members.map(([name, read], i) => [name, ((read() - cpuBefore[i]!) / attempts) * 1000]));
  const check = await verifyStorm(urls.services.booking, storm.gatewaySessions, gatewayRun);
  const ceilingRuns: CeilingResult[] = [];
  for (const [i, run] of plan.entries()) {
    progress(`storm: at PostgreSQL, ${run.variant}, pool ${run.poolSize} (${i + 1}/${plan.length})\n`);
    ceilingRuns.push(
      await runStormCeiling(
        urls.services.booking,
        storm,
        {
          set: storm.ceilingSets[i]!,
          // Only the ceiling (atomic, pool 20) runs every attempt: the naive variant (still 2× the places, so it
          // oversells) and the pool-size comparison report attempts/s, and half the attempts keep the suite under 10 minutes.
          attempts: run.poolSize === 20 && run.variant === 'atomic' ? attempts : attempts / 2,
          concurrency: 1000,
          poolSize: run.poolSize,
          variant: run.variant,
          firstSerial: 50_000 + i * attempts,
        },
        secrets.piiKey,
      ),
    );
  }
  const runsOf = (variant: CeilingVariant, poolSize: number) => ceilingRuns.filter((r) => r.variant === variant && r.poolSize === poolSize);
  const atomic = runsOf('atomic', 20);
  const naive = runsOf('naive', 20);
  const ceiling = {
    attemptsPerSecond: median(atomic.map((r) => r.attemptsPerSecond)),
    bookingsPerSecond: median(atomic.map((r) => r.bookingsPerSecond)),
    confirmed: Math.max(...atomic.map((r) => r.confirmed)),
  };
  const bookingsPerSecond = gatewayRun.throughput;
  report.storm = {
    gateway: gatewayRun,
    cpuMsPerAttempt,
    ceiling,
    check,
    bookingsPerSecond,
    ratio: bookingsPerSecond / ceiling.attemptsPerSecond,
    ceilingRuns,
    naive: {
      attemptsPerSecond: median(naive.map((r) => r.attemptsPerSecond)),
      soldRatio: Math.max(...naive.map((r) => r.soldRatio)),
      atomicAttemptsPerSecond: ceiling.attemptsPerSecond,
      atomicSoldRatio: Math.max(...atomic.map((r) => r.soldRatio)),
      ratio: ceiling.attemptsPerSecond / median(naive.map((r) => r.attemptsPerSecond)),
    },
    pools: [...new Set(plan.filter((r) => r.variant === 'atomic').map((r) => r.poolSize))]
      .sort((a, b) => a - b)
      .map((poolSize) => {
        const runs = runsOf('atomic', poolSize);
        return { poolSize, attemptsPerSecond: median(runs.map((r) => r.attemptsPerSecond)), runs: runs.length };
      }),
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { Env, runMain, SERVICES } from '@victori/shared';
import { clusterBackends, startCluster, type RunningCluster } from '../cluster-platform.js';
import { runAvailabilityReads, runClusterStorm, setupClusterStorm } from '../cluster-storm.js';
import { freePort } from '../platform.js';
import { DEFAULT_RESTART_POLICY } from '../supervisor.js';
import { cpuSeconds, machineCpu, treeCpuSeconds } from './processes.js';

/**
 * `npm run bench:cluster`: the cluster (`npm run start:cluster`) with one replica of each process, then
 * with two, behind the same balancer on JetStream and Redis: bookings a second through the public port
 * (a storm of distinct valid NIKs at sessions of known capacity), availability reads a second (sessions
 * with remaining places, uncached), and the CPU milliseconds each tier spends per booking and per read.
 * The CPU figures are what the capacity plan divides by: wall-clock rates on a shared 2-core machine say
 * more about the machine than about a replica. Needs NATS_URL and REDIS_URL; cleans up its stream and keys.
 */
interface Measured {
  replicas: number;
  places: number;
  bookings: number;
  bookingsPerSecond: number;
  stormSeconds: number;
  readsPerSecond: number;
  /** CPU ms per booking by tier (all replicas of the tier together). */
  cpuMsPerBooking: Record<string, number>;
  cpuMsPerRead: Record<string, number>;
  /** Share of the machine's CPU that was busy (all processes, ours and others'), and the load average. */
  machineBusyStorm: number;
  loadAverage: number;
}

type Reader = [string, () => number];

function tierReaders(cluster: RunningCluster): Reader[] {
  const tiers = [...SERVICES, 'gateway', 'edge'] as const;
  return [
    ...tiers.map((tier): Reader => [tier, () => cluster.replicas.reduce((sum, r) => sum + cpuSeconds(r.pids[tier as 'booking'] ?? 0), 0)]),
    ['postgresql', () => (cluster.pg.pid ? treeCpuSeconds(cluster.pg.pid) : NaN)],
    // The balancer runs in this process (with the load generator): an upper bound of its cost.
    ['balancer+load', () => process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6],
  ];
}

async function measure<T>(readers: Reader[], work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number>; busy: number }> {
  const before = readers.map(([, read]) => read());
  const m0 = machineCpu();
  const result = await work();
  const m1 = machineCpu();
  const cpu = Object.fromEntries(readers.map(([name, read], i) => [name, read() - before[i]!]));
  return { result, cpu, busy: (m1.busy - m0.busy) / (m1.total - m0.total) };
}

const perUnit = (cpu: Record<string, number>, units: number): Record<string, number> =>
  Object.fromEntries(Object.entries(cpu).map(([k, s]) => [k, Math.round(((s * 1000) / Math.max(units, 1)) * 100) / 100]));

async function one(replicas: number, natsUrl: string, redisUrl: string, places: number): Promise<Measured> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'victori-cluster-bench-'));
  const stream = `VICTORI_BENCH_CLUSTER_${Date.now()}`;
  const prefix = `victori-bench-cluster-${Date.now()}:`;
  process.stderr.write(`cluster bench: starting ${replicas} replica(s) of each process\n`);
  let cluster: RunningCluster | undefined;
  try {
    const running = await startCluster({
      dataDir,
      pgPort: await freePort(),
      publicPort: 0,
      replicas,
      backends: { natsUrl, redisUrl },
      stream,
      redisPrefix: prefix,
      env: { NODE_ENV: 'test', LOG_LEVEL: 'error', BOOKING_RATE_PER_IP: '0', BOOKING_DB_POOL: '20' },
      serviceEnv: { immunization: { SATUSEHAT_DELIVERY: 'off', PCARE_DELIVERY: 'off' } },
      gatewayEnv: { GATEWAY_PUBLIC_CACHE_MS: '0' },
      edgeEnv: { EDGE_PUBLIC_CACHE_MS: '0' },
      stdio: 'inherit',
      stopGraceMs: 5000,
      // Sixteen processes starting at once on a shared 2-core machine may take minutes.
      restart: { ...DEFAULT_RESTART_POLICY, startTimeoutMs: 240_000 },
    });
    cluster = running;
    const sessions = 4;
    const setup = await setupClusterStorm(running.publicUrl, running.privateKey, {
      sessions,
      placesPerSession: Math.ceil(places / sessions),
    });
    const readers = tierReaders(running);
    // Warm-up (not measured): a fifth of the places, then reads for 5 s, so that every replica has
    // compiled its hot paths; the measured storm then books the rest, every attempt a success.
    const warm = Math.floor(setup.places / 5);
    await runClusterStorm(running.publicUrl, { slotIds: setup.slotIds, attempts: warm, concurrency: 32, firstSerial: 1 });
    await runAvailabilityReads(running.publicUrl, { date: setup.date, concurrency: 32, seconds: 5 });
    process.stderr.write(`cluster bench: storm of ${setup.places - warm} attempts\n`);
    const storm = await measure(readers, () =>
      runClusterStorm(running.publicUrl, { slotIds: setup.slotIds, attempts: setup.places - warm, concurrency: 32, firstSerial: 1 + warm }),
    );
    const bookings = storm.result.attempts.filter((a) => a.code === 'OK').length;
    // Wait until the consumers have caught up, so that the reads measure reads, not the storm's tail.
    await new Promise((r) => setTimeout(r, 5000));
    process.stderr.write('cluster bench: availability reads for 15 s\n');
    const reads = await measure(readers, () => runAvailabilityReads(running.publicUrl, { date: setup.date, concurrency: 32, seconds: 15 }));
    return {
      replicas,
      places: setup.places,
      bookings,
      bookingsPerSecond: Math.round(storm.result.bookingsPerSecond * 10) / 10,
      stormSeconds: Math.round(storm.result.seconds * 10) / 10,
      readsPerSecond: Math.round(reads.result.readsPerSecond * 10) / 10,
      cpuMsPerBooking: perUnit(storm.cpu, bookings),
      cpuMsPerRead: perUnit(reads.cpu, reads.result.ok),
      machineBusyStorm: Math.round(storm.busy * 100) / 100,
      loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    };
  } finally {
    // Also after a failed start: the services may have created the stream already.
    await cluster?.stop();
    const nc = await connect({ servers: natsUrl });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(async () => {
  const env = new Env();
  const { natsUrl, redisUrl } = clusterBackends(env);
  const places = env.int('CLUSTER_BENCH_PLACES', 400, 40, 100_000);
  const results: Measured[] = [];
  for (const replicas of [1, 2]) {
    results.push(await one(replicas, natsUrl, redisUrl, places));
    process.stderr.write(`cluster bench: ${JSON.stringify(results[results.length - 1])}\n`);
  }
  const out = { at: new Date().toISOString(), cores: os.cpus().length, results };
  const file = env.optional('CLUSTER_BENCH_OUT');
  if (file) writeFileSync(file, JSON.stringify(out, null, 2));
  const [a, b] = results as [Measured, Measured];
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.stdout.write(
    `\n| | 1 replica | 2 replicas |\n|---|---|---|\n` +
      `| bookings/s through the balancer | ${a.bookingsPerSecond} | ${b.bookingsPerSecond} |\n` +
      `| availability reads/s (uncached) | ${a.readsPerSecond} | ${b.readsPerSecond} |\n` +
      `| machine busy during the storm | ${a.machineBusyStorm} | ${b.machineBusyStorm} |\n` +
      `| load average | ${a.loadAverage} | ${b.loadAverage} |\n` +
      Object.keys(a.cpuMsPerBooking)
        .map((t) => `| CPU ms per booking: ${t} | ${a.cpuMsPerBooking[t]} | ${b.cpuMsPerBooking[t]} |\n`)
        .join('') +
      Object.keys(a.cpuMsPerRead)
        .map((t) => `| CPU ms per read: ${t} | ${a.cpuMsPerRead[t]} | ${b.cpuMsPerRead[t]} |\n`)
        .join(''),
  );
  process.exit(0);
});

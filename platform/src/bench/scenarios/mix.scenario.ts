import { readFileSync } from 'node:fs';
import { readCsv } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { freePort } from '../../platform.js';
import { favourEdge } from '../../launch.js';
import type { LoadResult, MixClass } from '../load.js';
import { cpuSeconds, machineCpu, runLoadProcess, startEdge, startFloorServer, startOurGateway, treeCpuSeconds } from '../processes.js';
import { stormPerson } from '../storm-people.js';
import type { MixRun, MixReport } from '../report.js';
import { AVAILABILITY_TWO_SUBGRAPHS, METRICS_TOKEN, post, progress, READ_BOUND, settle, type BenchContext } from '../scenario.js';
import { createStormSessions, must, stockFacilities, STORM_MUTATION, tomorrowJakarta, verifyStorm, waitUntilBookable } from '../storm.js';

/** The registration-day mix: what share of requests each kind of user sends. */
export const MIX = { availability: 0.9, myAppointments: 0.08, booking: 0.02 } as const;
/** The offered rate the targets must hold at, and how long. */
export const MIX_RATE = 3000;
const MIX_SECONDS = 30;
/** Shorter runs for the knee steps. */
const STEP_SECONDS = 10;
const CONNECTIONS = 512;
/**
 * Each run is measured after this many seconds of the same load (bookings aside): a registration day's
 * surge meets a site that was already serving, its cache warm. Without it each 10 s step began with all
 * 224 keys missing at once and, 1.5 s later, all stale at once, and that cold start alone set the p99.
 */
const WARMUP_SECONDS = 4;
const readLoadavg = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const SIGNED_IN = 200;
const SESSIONS_PER_RUN = 10;
/** Targets (issue 23): availability p99, my appointments p99, booking p99, in ms. */
export const MIX_TARGETS = { availabilityP99: 250, myAppointmentsP99: 500, bookingP99: 2000 };

const MY_APPOINTMENTS = `query Mine { myAppointments { edges { node { id status queueNumber slipCode sessionDate doseKind facility { name address } } } } }`;

/** Every availability search of the mix: 16 kecamatan × the next 7 days (from `today`, Asia/Jakarta) × both programmes (224 cache keys). */
export function availabilityBodies(today: string): string[] {
  const kecamatan = readCsv('semarang-areas.csv')
    .filter((r) => r.level === 'kecamatan')
    .map((r) => r.code!);
  const days = Array.from({ length: 7 }, (_, i) => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });
  const bodies: string[] = [];
  // Interleaved so consecutive searches hit different keys, as many people at once would.
  for (const day of days)
    for (const programme of ['COVID19', 'ROUTINE_CHILD'])
      for (const k of kecamatan)
        bodies.push(post(AVAILABILITY_TWO_SUBGRAPHS, { f: { kecamatanCode: k, dateFrom: day, dateTo: day, programme, hasPlaces: true } }));
  const shuffled: string[] = [];
  for (let i = 0, j = 0; i < bodies.length; i++, j = (j + 97) % bodies.length) shuffled.push(bodies[j]!);
  return shuffled;
}

/**
 * The registration-day mix through the public port as `npm start` runs it (an edge with its default public
 * cache, stale-while-revalidate and request coalescing, in front of a gateway with its own default cache), as a paced open loop: 90% anonymous availability searches over 224 keys,
 * 8% signed-in "my appointments", 2% bookings with distinct valid NIKs. First at 3,000/s for 30 s; then
 * stepped up (or down) 10 s at a time to find the knee, the highest offered rate at which every target
 * still holds; then the same mix at the floor server (a bare node:http that refuses everything).
 */
export async function mixScenario(ctx: BenchContext, postmasterPid?: number): Promise<void> {
  const { report, quick, work, procs, platform, urls, admin, gatewayBase, subgraphEnv, signCitizen } = ctx;
  progress(`mix: setting up (a gateway with its default public cache behind a second edge, sessions, ${SIGNED_IN} signed-in citizens)\n`);
  const gatewayPort = await freePort();
  // The product's default public cache (GATEWAY_PUBLIC_CACHE_MS unset), behind an edge as `npm start` runs it.
  const base = Object.fromEntries(Object.entries(gatewayBase).filter(([k]) => k !== 'GATEWAY_PUBLIC_CACHE_MS'));
  const gateway = await startOurGateway('gateway-mix', gatewayPort, { ...base, ...subgraphEnv, GATEWAY_TRUSTED_PROXIES: '127.0.0.1' });
  procs.push(gateway);
  favourEdge([gateway.child.pid!]);
  const edgePort = await freePort();
  const edge = await startEdge('edge-mix', edgePort, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    EDGE_UPSTREAM_URL: `http://127.0.0.1:${gatewayPort}`,
    EDGE_READ_MAX_CONCURRENT: String(READ_BOUND),
    EDGE_METRICS_TOKEN: METRICS_TOKEN,
  });
  procs.push(edge);
  const publicUrl = `http://127.0.0.1:${edgePort}/graphql`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;

  // Steps: the main run, then the knee steps (up while the targets hold, else down), each with its own sessions; one more set for the signed-in citizens.
  // Down in steps of 500, so that the knee is found within 500/s when 3,000/s does not hold.
  const rates = quick ? [MIX_RATE, 4000, 2000, 1000] : [MIX_RATE, 4000, 5000, 2500, 2000, 1500, 1000, 500];
  const attemptsAt = (rate: number, seconds: number): number => Math.ceil(rate * seconds * MIX.booking);
  const maxAttempts = Math.max(attemptsAt(MIX_RATE, quick ? STEP_SECONDS : MIX_SECONDS), ...rates.map((r) => attemptsAt(r, STEP_SECONDS)));
  // Places below the attempts (about 80%), so every run also proves no place is sold twice when it fills up.
  const placesPerSession = Math.max(10, Math.floor((0.8 * maxAttempts) / SESSIONS_PER_RUN / 10) * 10);
  const sets = rates.length + 1;
  const facilities = (
    await must(
      gql<{ facilities: { edges: { node: { id: string; type: string } }[] } }>(
        gatewayUrl,
        `{ facilities { edges { node { id type } } } }`,
        {},
        { token: admin },
      ),
      'facilities',
    )
  ).facilities.edges.map((e) => e.node);
  // The storm's first ten facilities (registered with SATUSEHAT in the seed), in the afternoon.
  const hosts = facilities.filter((f) => f.type !== 'CITY_STORE').slice(0, SESSIONS_PER_RUN);
  const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
  await stockFacilities(gatewayUrl, admin, cityStore, `MIX-${Date.now()}`, hosts, () => sets * placesPerSession + 100);
  const date = tomorrowJakarta();
  const sessions = await createStormSessions(gatewayUrl, admin, Array.from({ length: sets }, () => hosts).flat(), date, {
    startTime: '13:00',
    endTime: '18:00',
    capacity: placesPerSession,
  });
  await waitUntilBookable(gatewayUrl, date, sessions, placesPerSession, 'mix sessions');
  const setOf = (i: number): { ids: string[]; slots: string[] } => {
    const s = sessions.slice(i * SESSIONS_PER_RUN, (i + 1) * SESSIONS_PER_RUN);
    return { ids: s.map((x) => x.id), slots: s.flatMap((x) => x.slots) };
  };
  // Signed-in citizens who booked once before the day began: "my appointments" finds theirs.
  const citizens = setOf(sets - 1);
  const tokens = await Promise.all(Array.from({ length: SIGNED_IN }, (_, i) => signCitizen(`mix-citizen-${i}`)));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < SIGNED_IN; i = next++) {
        const input = { ...stormPerson(900_000 + i), slotId: citizens.slots[i % citizens.slots.length], doseKind: 'PRIMARY_1' };
        await must(gql(gatewayUrl, STORM_MUTATION, { input }, { token: tokens[i]! }), 'citizen booking');
      }
    }),
  );
  const reads = availabilityBodies(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10));
  const mine = post(MY_APPOINTMENTS);
  const classes = (set: number, firstSerial: number): MixClass[] => [
    { name: 'availability', share: MIX.availability, bodies: reads },
    { name: 'myAppointments', share: MIX.myAppointments, bodies: [mine], headers: tokens.map((t) => ({ authorization: `Bearer ${t}` })) },
    {
      name: 'booking',
      share: MIX.booking,
      storm: { slotIds: setOf(set).slots, doseKind: 'PRIMARY_1', firstSerial, mutation: STORM_MUTATION },
    },
  ];
  const run = async (
    url: string,
    rate: number,
    seconds: number,
    set: number,
  ): Promise<{
    load: LoadResult;
    machineBusy: number;
    serverCpuSeconds: number;
    cpuPercent: Record<string, number>;
    counters: Record<string, number>;
    loadavg: number[];
  }> => {
    // The readings start with the measured part, after the warm-up (load.ts warmupSec).
    let before = machineCpu();
    let started = Date.now();
    let byProcessBefore = members.map(([, read]) => read());
    let countersBefore: Promise<Record<string, number>> = Promise.resolve({});
    let loadavg: number[] = [];
    const load = await runLoadProcess(
      {
        url,
        connections: CONNECTIONS,
        overallRate: rate,
        duration: seconds,
        warmupSec: WARMUP_SECONDS,
        paced: true,
        timeoutSec: 15,
        mix: classes(set, 1_000_000 + set * 100_000),
      },
      work,
      () => {
        before = machineCpu();
        started = Date.now();
        byProcessBefore = members.map(([, read]) => read());
        countersBefore = refusalCounters();
        loadavg = readLoadavg();
      },
    );
    const after = machineCpu();
    const elapsed = (Date.now() - started) / 1000;
    const used = members.map(([name, read], i): [string, number] => [name, read() - byProcessBefore[i]!]);
    return {
      load,
      machineBusy: (after.busy - before.busy) / (after.total - before.total),
      // The edge, gateway and subgraphs (PostgreSQL apart).
      serverCpuSeconds: used.filter(([name]) => name !== 'postgresql').reduce((a, [, s]) => a + s, 0),
      cpuPercent: Object.fromEntries(used.map(([name, seconds]) => [name, (seconds / elapsed) * 100])),
      counters: diffCounters(await countersBefore, await refusalCounters()),
      loadavg,
    };
  };
  // Who refused and what the cache did during a run: the edge's and the gateway's own counters.
  const refusalCounters = async (): Promise<Record<string, number>> => {
    const read = async (port: number): Promise<Record<string, unknown>> => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics.json`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
        return (await res.json()) as Record<string, unknown>;
      } catch {
        return {};
      }
    };
    return { ...flatNumbers('edge', await read(edgePort)), ...flatNumbers('gateway', await read(gatewayPort)) };
  };
  // What breaks first: each process's share of a core during each run (the load process's own is reported apart).
  const members: [string, () => number][] = [
    ['edge', () => cpuSeconds(edge.child.pid!)],
    ['gateway', () => cpuSeconds(gateway.child.pid!)],
    ...Object.entries(platform.pids)
      .filter(([name]) => name !== 'edge' && name !== 'gateway')
      .map(([name, pid]): [string, () => number] => [name, () => cpuSeconds(pid)]),
    ...(postmasterPid ? [['postgresql', () => treeCpuSeconds(postmasterPid)] as [string, () => number]] : []),
  ];
  const runs: MixRun[] = [];
  const step = async (rate: number, seconds: number): Promise<MixRun> => {
    const set = runs.length;
    progress(
      `mix: ${rate}/s for ${seconds} s through the public port (${MIX.availability * 100}% availability, ${MIX.myAppointments * 100}% my appointments, ${MIX.booking * 100}% bookings)\n`,
    );
    const r = await run(publicUrl, rate, seconds, set);
    const booking = r.load.classes!.booking!;
    const check = await verifyStorm(urls.services.booking, setOf(set).ids, booking);
    const result = {
      ...mixRunOf(rate, seconds, r.load, check, r.machineBusy, r.serverCpuSeconds, r.loadavg),
      cpuPercent: r.cpuPercent,
      counters: r.counters,
    };
    runs.push(result);
    progress(
      `mix: ${rate}/s → availability p99 ${result.availability.latency.p99.toFixed(0)} ms (${result.availability.outcomes.OVERLOADED ?? 0} refused), ` +
        `mine p99 ${result.myAppointments.latency.p99.toFixed(0)} ms, bookings p99 ${result.booking.latency.p99.toFixed(0)} ms, ` +
        `${check.confirmed}/${check.places} sold, ${check.overbookedSlots} overbooked, 5xx ${result.http5xx}; targets ${result.met ? 'held' : 'missed'}\n`,
    );
    // The next step must not share the cores with this one's event backlog.
    await settle(platform, 60_000);
    return result;
  };
  const main = await step(MIX_RATE, quick ? STEP_SECONDS : MIX_SECONDS);
  // The knee: step up while the targets hold, or down until they do.
  const up = rates.filter((r) => r > MIX_RATE);
  const down = rates.filter((r) => r < MIX_RATE);
  let knee = main.met ? MIX_RATE : 0;
  if (main.met) {
    for (const rate of up) {
      if (!(await step(rate, STEP_SECONDS)).met) break;
      knee = rate;
    }
  } else {
    for (const rate of down) {
      if ((await step(rate, STEP_SECONDS)).met) {
        knee = rate;
        break;
      }
    }
  }
  progress(`mix: the same mix at the floor server (${MIX_RATE}/s)\n`);
  const floorPort = await freePort();
  const floor = await startFloorServer(floorPort);
  procs.push(floor);
  const floorLoad = await runLoadProcess(
    {
      url: `http://127.0.0.1:${floorPort}/graphql`,
      connections: CONNECTIONS,
      overallRate: MIX_RATE,
      // A reference (what the load process and the machine can do with no server work): 10 s tells it.
      duration: STEP_SECONDS,
      paced: true,
      timeoutSec: 15,
      mix: classes(0, 3_000_000),
    },
    work,
  );
  const mixReport: MixReport = {
    rate: MIX_RATE,
    seconds: main.seconds,
    connections: CONNECTIONS,
    main,
    steps: runs.slice(1),
    knee,
    floor: floorLoad,
    targets: MIX_TARGETS,
    keys: reads.length,
    signedIn: SIGNED_IN,
    warmupSeconds: WARMUP_SECONDS,
  };
  report.mix = mixReport;
}

function mixRunOf(
  rate: number,
  seconds: number,
  load: LoadResult,
  check: Awaited<ReturnType<typeof verifyStorm>>,
  machineBusy: number,
  serverCpuSeconds: number,
  loadavg: number[],
): MixRun {
  const c = load.classes!;
  const availability = c.availability!;
  const myAppointments = c.myAppointments!;
  const booking = c.booking!;
  // Every 5xx but the edge's typed admission refusal (503 OVERLOADED with Retry-After): a 503
  // SUBGRAPH_UNAVAILABLE from an open breaker or a subgraph timeout counts here.
  const fivexx = (r: LoadResult): number =>
    Object.entries(r.status)
      .filter(([s]) => s.startsWith('5'))
      .reduce((a, [, n]) => a + n, 0) - (r.outcomes.OVERLOADED ?? 0);
  const http5xx = fivexx(availability) + fivexx(myAppointments) + fivexx(booking);
  // Every read a citizen did not get: a refused "my appointments" is as much a failure as a refused search
  // (and, answered in a few ms, it would otherwise lower that class's p99).
  const unanswered = (r: LoadResult): number => (r.outcomes.OVERLOADED ?? 0) + r.timeouts + r.errors;
  const readsRefused = unanswered(availability) + unanswered(myAppointments);
  // Exact: nothing sold twice, nobody booked twice, queue numbers gap-free; every attempt answered.
  const bookingsExact =
    check.overbookedSlots === 0 && check.duplicatePeople === 0 && check.queueNumbersOk && booking.timeouts === 0 && booking.errors === 0;
  const met =
    availability.latency.p99 < MIX_TARGETS.availabilityP99 &&
    readsRefused === 0 &&
    myAppointments.latency.p99 < MIX_TARGETS.myAppointmentsP99 &&
    booking.latency.p99 < MIX_TARGETS.bookingP99 &&
    bookingsExact &&
    http5xx === 0;
  return {
    rate,
    seconds,
    load,
    availability,
    myAppointments,
    booking,
    check,
    http5xx,
    readsRefused,
    bookingsExact,
    met,
    machineBusy,
    serverCpuSeconds,
    loadavg,
  };
}

/** The counters of a /metrics.json answer as flat dotted names (only the ones that count something). */
function flatNumbers(prefix: string, value: unknown, out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) out[prefix] = value;
  else if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) flatNumbers(`${prefix}.${k}`, v, out);
  return out;
}

const COUNTED =
  /(refused|refusedByClass|hits|stale|misses|shared|refreshes|upstream|forwarded|upstreamFailures|started|queued|expired|shrinks|admittedFromQueue|admittedAfterClassWait)$/;

/** What the counters moved by during a run (the ones that count events, not gauges). */
function diffCounters(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .filter(([k]) => COUNTED.test(k))
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );
}

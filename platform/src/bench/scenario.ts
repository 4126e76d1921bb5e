import { createHash } from 'node:crypto';
import { gql } from '@victori/shared/testing';
import { SERVICES, type ServiceName } from '@victori/shared';
import type { LaunchedPlatform } from '../launch.js';
import type { DatabaseUrls } from '../platform.js';
import type { LoadResult } from './load.js';
import type { Proc } from './processes.js';
import type { BenchReport, Comparison } from './report.js';
import { median } from './stats.js';

/** What every scenario of the benchmark gets from the runner (bench/run.ts), and the helpers they share. */
export interface BenchContext {
  report: BenchReport;
  quick: boolean;
  /** Scratch directory of this run. */
  work: string;
  /** Extra processes a scenario starts; the runner stops them at the end. */
  procs: Proc[];
  platform: LaunchedPlatform;
  urls: DatabaseUrls;
  secrets: { gatewaySecret: string; piiKey: string };
  /** An admin token for the gateway. */
  admin: string;
  /** A signed-in citizen's token (the platform's key) for account `sub`. */
  signCitizen: (sub: string) => Promise<string>;
  /** Environment of a gateway like the platform's (for the variants scenarios start). */
  gatewayBase: Record<string, string>;
  /** <SERVICE>_URL of every subgraph, for gateways the scenarios start. */
  subgraphEnv: Record<string, string>;
}

const suiteStarted = Date.now();
export function progress(line: string): void {
  process.stderr.write(`[${((Date.now() - suiteStarted) / 1000).toFixed(0).padStart(3)} s] ${line}`);
}

export const AVAILABILITY_TWO_SUBGRAPHS = `query Availability($f: SessionFilter) {
  sessions(filter: $f, first: 20) {
    edges { node { id date startTime endTime remainingPlaces doseKinds
      facility { name address stock { usableDoses product { code } } }
      product { name manufacturer } } }
  }
}`;

export const AVAILABILITY_ONE_SUBGRAPH = `query Availability($f: SessionFilter) {
  sessions(filter: $f, first: 20) {
    edges { node { id date startTime endTime remainingPlaces doseKinds facility { name address } } }
  }
}`;

/** The edge serves /metrics in production only to a bearer of this token. */
export const METRICS_TOKEN = createHash('sha256')
  .update(String(process.pid) + String(Date.now()))
  .digest('hex');
export const FANOUT = (n: number): string => `{
  sessions(first: ${n}) {
    edges { node { id date remainingPlaces facility { name area { name parent { name } } stock { usableDoses } } product { name } } }
  }
}`;

/** Sessions over the next weeks at every facility (the fan-out list needs 500 of them). */
export async function createManySessions(gatewayUrl: string, adminToken: string, count: number): Promise<void> {
  const facilities = (
    await gql<{ facilities: { edges: { node: { id: string; type: string } }[] } }>(
      gatewayUrl,
      `{ facilities { edges { node { id type } } } }`,
      {},
      { token: adminToken },
    )
  ).data!.facilities.edges.map((e) => e.node);
  const places = facilities.filter((f) => f.type !== 'CITY_STORE');
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const day = new Date(Date.now() + (2 + Math.floor(i / places.length)) * 86_400_000).toISOString().slice(0, 10);
        const res = await gql(
          gatewayUrl,
          `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }`,
          {
            i: {
              facilityId: places[i % places.length]!.id,
              date: day,
              startTime: '08:00',
              endTime: '12:00',
              productCode: 'ASTRAZENECA',
              doseKinds: ['BOOSTER_1'],
              capacity: 100,
            },
          },
          { token: adminToken },
        );
        if (res.errors) throw new Error(`createSession failed: ${JSON.stringify(res.errors)}`);
      }
    }),
  );
}

/** The gateway's read admission bound used in this run (GATEWAY_READ_MAX_CONCURRENT). */
export const READ_BOUND = 64;

export const post = (query: string, variables: Record<string, unknown> = {}): string => JSON.stringify({ query, variables });

/** Ours against one peer, which side goes first alternating each round, so warm-up and drift favour neither. */
export async function alternate(
  name: string,
  target: number,
  rounds: number,
  ours: () => Promise<LoadResult>,
  peer: () => Promise<LoadResult>,
): Promise<Comparison> {
  // With two sides, alternateWithPeers' rotation is exactly that alternation.
  return (await alternateWithPeers(rounds, ours, [{ name, target, run: peer }]))[0]!;
}

/**
 * One side against several peers, each round running every side once in a rotating order: the same runs of
 * ours serve every comparison (fewer runs than one `alternate` per peer, each still side by side in one round).
 */
export async function alternateWithPeers(
  rounds: number,
  ours: () => Promise<LoadResult>,
  peers: { name: string; target: number; run: () => Promise<LoadResult> }[],
): Promise<Comparison[]> {
  const a: LoadResult[] = [];
  const b: LoadResult[][] = peers.map(() => []);
  const sides: (() => Promise<void>)[] = [
    async () => void a.push(await ours()),
    ...peers.map((p, j) => async () => void b[j]!.push(await p.run())),
  ];
  for (let i = 0; i < rounds; i++) for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]!();
  return peers.map((p, j) => ({
    name: p.name,
    ours: a,
    peer: b[j]!,
    ratio: median(a.map((r) => r.okThroughput)) / median(b[j]!.map((r) => r.okThroughput)),
    target: p.target,
  }));
}

/**
 * Waits until every service has relayed its outbox and every consumer has caught up, so the next
 * scenario does not share the cores with the previous one's event backlog.
 */
export async function settle(platform: LaunchedPlatform, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  let told = started;
  for (;;) {
    let pending = 0;
    const behind: string[] = [];
    for (const name of SERVICES) {
      const m = (await (await fetch(new URL('/metrics.json', platform.serviceUrls[name]))).json()) as {
        events?: { outboxBacklog?: number; consumers?: { name?: string; lag: number }[] };
      };
      const outbox = m.events?.outboxBacklog ?? 0;
      const lag = (m.events?.consumers ?? []).reduce((a, c) => a + c.lag, 0);
      if (outbox || lag) behind.push(`${name} outbox ${outbox}, consumers ${lag} behind`);
      pending += outbox + lag;
    }
    if (pending === 0) return (Date.now() - started) / 1000;
    // A slow drain says where it waits, every 10 s.
    if (Date.now() - told >= 10_000) {
      told = Date.now();
      progress(`events: still draining after ${Math.round((told - started) / 1000)} s: ${behind.join('; ')}\n`);
    }
    if (Date.now() - started > timeoutMs) {
      process.stderr.write(`events: backlog not drained after ${timeoutMs / 1000} s (${pending} pending); going on\n`);
      return (Date.now() - started) / 1000;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function sqlStatements(platform: LaunchedPlatform): Promise<number> {
  let total = 0;
  for (const name of SERVICES) {
    const metrics = (await (await fetch(new URL('/metrics.json', platform.serviceUrls[name]))).json()) as { sqlStatements?: number };
    total += metrics.sqlStatements ?? 0;
  }
  return total;
}

export type ServicePorts = Record<ServiceName | 'gateway' | 'edge', number>;

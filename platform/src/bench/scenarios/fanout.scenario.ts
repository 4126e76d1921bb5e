import { gql } from '@victori/shared/testing';
import type { BenchReport } from '../report.js';
import { createManySessions, FANOUT, progress, sqlStatements, type BenchContext } from '../scenario.js';

/** A list of 10 and of 500 sessions with nested fields from three subgraphs: SQL per request stays constant (no N+1). */
export async function fanoutScenario(ctx: BenchContext): Promise<void> {
  const { report, platform, admin } = ctx;
  progress('fan-out: creating 500 sessions, then 10 and 500 results\n');
  await createManySessions(platform.gatewayUrl, admin, 500);
  const rows: NonNullable<BenchReport['fanout']>['rows'] = [];
  for (const n of [10, 500]) {
    const check = await gql<{ sessions: { edges: unknown[] } }>(platform.gatewayUrl, FANOUT(n));
    if (check.errors) throw new Error(`fan-out query failed: ${JSON.stringify(check.errors)}`);
    const results = check.data!.sessions.edges.length;
    const requests = 30;
    const before = await sqlStatements(platform);
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await gql(platform.gatewayUrl, FANOUT(n));
      latencies.push(performance.now() - t);
    }
    const sql = (await sqlStatements(platform)) - before;
    latencies.sort((x, y) => x - y);
    rows.push({ results, sqlPerRequest: sql / requests, p50: latencies[Math.floor(requests / 2)]!, p99: latencies[requests - 1]! });
  }
  report.fanout = {
    rows,
    // Background work (maintenance timers) can add a statement now and then: compare per-request counts rounded.
    constantSql: Math.round(rows[0]!.sqlPerRequest) === Math.round(rows[1]!.sqlPerRequest),
    latencyGrowth: rows[1]!.p50 / rows[0]!.p50,
  };
}

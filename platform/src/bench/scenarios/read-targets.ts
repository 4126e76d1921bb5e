import path from 'node:path';
import { freePort } from '../../platform.js';
import type { LoadResult, LoadSpec } from '../load.js';
import { runLoadProcess, startHiveGateway, startOurGateway, supergraphFor } from '../processes.js';
import { f0 } from '../report.js';
import { AVAILABILITY_ONE_SUBGRAPH, AVAILABILITY_TWO_SUBGRAPHS, post, progress, settle, type BenchContext } from '../scenario.js';

/** The gateways the read scenarios compare (public read, fan-out, overload) and the load they send. */
export interface ReadTargets {
  load: (url: string, body: string | undefined, extra?: Partial<LoadSpec>) => Promise<LoadResult>;
  twoBody: string;
  oneBody: string;
  cachedPort: number;
  plainPort: number;
  noKeepAlivePort: number;
  hivePort: number;
  /** Hive Gateway with the Rust query planner (`@graphql-hive/router-runtime`). */
  hiveRustPort: number;
}

/** Starts them (after the event backlog drained) and warms their query plans and connections. */
export async function startReadTargets(ctx: BenchContext, withKeepAliveVariant: boolean): Promise<ReadTargets> {
  const { work, procs, platform, secrets, gatewayBase, subgraphEnv } = ctx;
  progress(`events: backlog drained in ${f0(await settle(platform))} s\n`);
  const cachedPort = await freePort();
  procs.push(await startOurGateway('gateway-cached', cachedPort, { ...gatewayBase, ...subgraphEnv, GATEWAY_PUBLIC_CACHE_MS: '2000' }));
  const plainPort = await freePort();
  procs.push(
    await startOurGateway('gateway-no-dedupe', plainPort, {
      ...gatewayBase,
      ...subgraphEnv,
      GATEWAY_PUBLIC_CACHE_MS: '0',
      GATEWAY_DEDUPE: 'false',
    }),
  );
  const noKeepAlivePort = await freePort();
  if (withKeepAliveVariant) {
    procs.push(
      await startOurGateway('gateway-no-keepalive', noKeepAlivePort, {
        ...gatewayBase,
        ...subgraphEnv,
        GATEWAY_PUBLIC_CACHE_MS: '0',
        GATEWAY_SUBGRAPH_KEEPALIVE: 'false',
      }),
    );
  }
  const hivePort = await freePort();
  const supergraph = supergraphFor(platform.serviceUrls, path.join(work, 'supergraph.graphql'));
  procs.push(await startHiveGateway(work, hivePort, supergraph, secrets.gatewaySecret));
  const hiveRustPort = await freePort();
  procs.push(await startHiveGateway(work, hiveRustPort, supergraph, secrets.gatewaySecret, 'rust'));
  const seconds = 3;
  const load = (url: string, body: string | undefined, extra: Partial<LoadSpec> = {}): Promise<LoadResult> =>
    runLoadProcess({ url, connections: 50, duration: seconds, ...(body === undefined ? {} : { body }), ...extra }, work);
  const twoBody = post(AVAILABILITY_TWO_SUBGRAPHS, { f: { hasPlaces: true } });
  const oneBody = post(AVAILABILITY_ONE_SUBGRAPH, { f: { hasPlaces: true } });
  // Warm every gateway's query plans, connections and JIT as long as one measured run: the Hive gateways
  // start here, and after a 1 s warm-up they were still speeding up through the rounds (2026-12-08: the
  // Rust planner's three rounds 794, 943, 1,136 req/s), so the round order decided part of the ratio.
  await load(platform.gatewayUrl, twoBody, { duration: seconds });
  await load(platform.publicUrl, twoBody, { duration: 1 });
  await load(`http://127.0.0.1:${hivePort}/graphql`, twoBody, { duration: seconds });
  await load(`http://127.0.0.1:${hiveRustPort}/graphql`, twoBody, { duration: seconds });

  return { load, twoBody, oneBody, cachedPort, plainPort, noKeepAlivePort, hivePort, hiveRustPort };
}

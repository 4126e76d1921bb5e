import { createHash } from 'node:crypto';
import { anonymousSubgraphHeaders } from '../processes.js';
import { median } from '../stats.js';
import { alternate, alternateWithPeers, AVAILABILITY_TWO_SUBGRAPHS, progress, type BenchContext } from '../scenario.js';
import type { Comparison } from '../report.js';
import type { ReadTargets } from './read-targets.js';

/** The public availability read: ours vs Hive Gateway and vs the subgraph directly, cached, keep-alive, APQ. */
export async function publicReadScenario(ctx: BenchContext, reads: ReadTargets): Promise<void> {
  const { report, quick, platform, secrets } = ctx;
  const { load, twoBody, oneBody, cachedPort, plainPort, noKeepAlivePort, hivePort, hiveRustPort } = reads;
  progress('public read: ours vs Hive Gateway (default and Rust planner), ours vs direct subgraph, cached\n');
  // Ours, Hive Gateway and Hive Gateway with Hive Router's Rust query planner (the strongest Node peer),
  // uncached all three, in one rotation per round: each peer is compared with the same runs of ours. Five
  // rounds: with three, one slow or fast round moved the Rust planner's ratio between 0.93 and 1.07.
  const [vsHive, vsHiveRust] = (await alternateWithPeers(quick ? 2 : 5, () => load(platform!.gatewayUrl, twoBody), [
    { name: 'ours ÷ Hive Gateway', target: 1, run: () => load(`http://127.0.0.1:${hivePort}/graphql`, twoBody) },
    {
      name: 'ours ÷ Hive Gateway with the Rust query planner',
      target: 1,
      run: () => load(`http://127.0.0.1:${hiveRustPort}/graphql`, twoBody),
    },
  ])) as [Comparison, Comparison];
  // The whole public path (edge, then gateway) against Hive Gateway alone.
  const publicPathVsHive = await alternate(
    'public path (edge + gateway) ÷ Hive Gateway',
    1,
    1,
    () => load(platform!.publicUrl, twoBody),
    () => load(`http://127.0.0.1:${hivePort}/graphql`, twoBody),
  );
  const vsDirect = await alternate(
    'ours ÷ direct subgraph',
    0.5,
    1,
    () => load(platform!.gatewayUrl, oneBody),
    () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
  );
  // Without sharing identical in-flight subgraph requests: the plain cost of the gateway hop.
  const vsDirectNoDedupe = await alternate(
    'ours without dedupe ÷ direct subgraph',
    0.5,
    1,
    () => load(`http://127.0.0.1:${plainPort}/graphql`, oneBody),
    () => load(platform!.serviceUrls.booking, oneBody, { headers: anonymousSubgraphHeaders(secrets.gatewaySecret) }),
  );
  const cached = await load(`http://127.0.0.1:${cachedPort}/graphql`, twoBody);
  progress('public read: keep-alive vs a new subgraph connection per request; APQ hash vs full query\n');
  const noKeepAliveUrl = `http://127.0.0.1:${noKeepAlivePort}/graphql`;
  await load(noKeepAliveUrl, twoBody, { duration: 1 });
  const keepAlive = await alternate(
    'ours ÷ ours without keep-alive to subgraphs',
    1,
    1,
    () => load(platform!.gatewayUrl, twoBody),
    () => load(noKeepAliveUrl, twoBody),
  );
  // Automatic persisted queries (Apollo Server's APQ, on by default): register once, then send the hash.
  const variables = { f: { hasPlaces: true } };
  const extensions = {
    persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(AVAILABILITY_TWO_SUBGRAPHS).digest('hex') },
  };
  const apqBody = JSON.stringify({ variables, extensions });
  const getPath = `?variables=${encodeURIComponent(JSON.stringify(variables))}&extensions=${encodeURIComponent(JSON.stringify(extensions))}`;
  for (const url of [platform.gatewayUrl, `http://127.0.0.1:${cachedPort}/graphql`]) {
    const registered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: AVAILABILITY_TWO_SUBGRAPHS, variables, extensions }),
    });
    if (!registered.ok) throw new Error(`APQ registration failed: ${registered.status}`);
  }
  const byHash = await fetch(`http://127.0.0.1:${cachedPort}/graphql${getPath}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  const byHashBody = (await byHash.json()) as { data?: unknown; errors?: unknown[] };
  if (!byHashBody.data || byHashBody.errors) throw new Error(`APQ GET failed: ${JSON.stringify(byHashBody.errors)}`);
  const apq = await alternate(
    'APQ hash ÷ full query',
    1,
    1,
    () => load(platform!.gatewayUrl, apqBody),
    () => load(platform!.gatewayUrl, twoBody),
  );
  const apqGet = await load(`${platform.gatewayUrl}${getPath}`, undefined, {
    method: 'GET',
    headers: { 'apollo-require-preflight': 'true' },
  });
  report.publicRead = {
    vsHive,
    vsHiveRust,
    publicPathVsHive,
    vsDirect,
    vsDirectNoDedupe,
    cached,
    cachedVsUncached: cached.okThroughput / median(vsHive.ours.map((r) => r.okThroughput)),
    keepAlive,
    apq,
    apqGet,
    apqBytes: {
      fullQuery: Buffer.byteLength(twoBody),
      hash: Buffer.byteLength(apqBody),
      getUrl: Buffer.byteLength(`/graphql${getPath}`),
    },
    apqGetCacheControl: byHash.headers.get('cache-control'),
  };
}

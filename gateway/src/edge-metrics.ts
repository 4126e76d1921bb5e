import { admissionGauges, PrometheusMetrics, type AdmissionView } from '@victori/shared';

/** The edge's Prometheus view: admission per class, what it forwarded or could not, and Node's process metrics. */
export function edgeMetrics(
  admission: Record<string, AdmissionView>,
  counters: { forwarded: number; upstreamFailures: number; tooLarge: number },
  cache?: { stats: Record<'hits' | 'stale' | 'misses' | 'shared' | 'refreshes', number> },
): PrometheusMetrics {
  const metrics = new PrometheusMetrics('edge');
  admissionGauges(metrics, admission);
  const counter = (name: string, help: string, pick: () => number) =>
    metrics.total(name, help, [], async () => [{ labels: {}, value: pick() }]);
  counter('victori_edge_forwarded_total', 'Requests forwarded to the gateway', () => counters.forwarded);
  counter('victori_edge_upstream_failures_total', 'Requests the gateway did not answer', () => counters.upstreamFailures);
  counter('victori_edge_too_large_total', 'Bodies refused as too large', () => counters.tooLarge);
  if (cache) {
    metrics.total(
      'victori_edge_public_cache_total',
      'Anonymous reads by what the edge cache did (hit, stale, miss, shared, refresh)',
      ['result'],
      async () => [
        { labels: { result: 'hit' }, value: cache.stats.hits },
        { labels: { result: 'stale' }, value: cache.stats.stale },
        { labels: { result: 'miss' }, value: cache.stats.misses },
        { labels: { result: 'shared' }, value: cache.stats.shared },
        { labels: { result: 'refresh' }, value: cache.stats.refreshes },
      ],
    );
  }
  return metrics;
}

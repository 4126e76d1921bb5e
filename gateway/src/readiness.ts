/** What one part of the platform looks like from the edge's /ready. */
export type PartState = 'up' | 'down';

export interface EdgeReadiness {
  /** 200 while the edge can serve anything (ready or degraded), 503 when it can serve nothing. */
  httpStatus: 200 | 503;
  body: { status: 'ready' | 'degraded' | 'not-ready'; service: 'edge'; checks: Record<string, PartState>; down?: string[] };
}

const isUp = (value: unknown): boolean =>
  value === true || value === 'up' || (typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === true);

/**
 * The edge's answer from the gateway's /ready (undefined when the gateway did not answer), which checks
 * each subgraph. It names every part, `up` or `down`:
 * - every part up: 200 `ready`;
 * - the gateway up, some subgraph down: 200 `degraded` with `down` listing them. 200, because the edge
 *   still serves everything that does not need the dead part; a load balancer that took the edge out of
 *   rotation for one subgraph would turn one process down into the whole platform down;
 * - the gateway down or not answering: 503 `not-ready` (nothing can be served; take this edge out).
 * Monitoring reads `status` and `checks`, not only the HTTP status.
 */
export function edgeReadiness(gateway: { status: number; body: unknown } | undefined): EdgeReadiness {
  const checks: Record<string, PartState> = {};
  const subgraphs = (gateway?.body as { checks?: Record<string, unknown> } | undefined)?.checks;
  // A gateway that answers with its per-subgraph checks serves, whatever its own HTTP status says.
  const gatewayUp = gateway !== undefined && typeof subgraphs === 'object' && subgraphs !== null;
  checks.gateway = gatewayUp ? 'up' : 'down';
  if (gatewayUp) for (const [name, value] of Object.entries(subgraphs)) checks[name] = isUp(value) ? 'up' : 'down';
  const down = Object.keys(checks).filter((name) => checks[name] === 'down');
  if (!gatewayUp) return { httpStatus: 503, body: { status: 'not-ready', service: 'edge', checks, down } };
  if (down.length > 0) return { httpStatus: 200, body: { status: 'degraded', service: 'edge', checks, down } };
  return { httpStatus: 200, body: { status: 'ready', service: 'edge', checks } };
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may read the edge's /metrics, the one port meant to be public. With EDGE_METRICS_TOKEN set, only a
 * bearer of that token (401 for anyone else); without it, nobody in production (404, as if there were no
 * such route) and anybody elsewhere (local runs and tests).
 */
export function metricsAccess(req: IncomingMessage, token: string | undefined, production: boolean): 'allowed' | 401 | 404 {
  if (token === undefined) return production ? 404 : 'allowed';
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return 401;
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? 'allowed' : 401;
}

import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { Kind } from 'graphql';
import type { SharedRedis } from '@victori/shared';
import { parseCacheControl } from './cache-control.js';
import type { GatewayContext } from './gateway.js';

/**
 * Root fields whose answers are the same for every anonymous caller (the catalogue, availability, public
 * stock, areas and coverage, FAQ, the issuer's keys). An anonymous query that selects anything else (an
 * appointment by slip code, dose records by slip) is personal even without a token: never cached, never
 * shared. A new public field is cached only once it is listed here (forgetting costs speed, not privacy).
 */
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set([
  '__typename',
  'sessions',
  'session',
  'facilities',
  'facility',
  'areas',
  'area',
  'coverage',
  'stockBoard',
  'vaccineProducts',
  'faq',
  'faqEntry',
  'complaintCategories',
  'surveyElements',
  'citySatisfaction',
  'healthCardIssuer',
]);

/** Whether the request is an anonymous query of public root fields only. */
export function isPublicRead(ctx: GraphQLRequestContext<GatewayContext>): boolean {
  if (ctx.contextValue.request?.claims.role !== 'anonymous' || ctx.operation?.operation !== 'query') return false;
  return ctx.operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && PUBLIC_ROOT_FIELDS.has(s.name.value));
}

interface Entry {
  body: unknown;
  expires: number;
  stored: number;
}

/**
 * A short-lived cache of whole responses to anonymous queries (public data: centres, sessions with
 * free places, public stock, coverage). Responses with errors are never stored. The TTL is a few
 * seconds: during a surge every citizen sees the same availability, served from memory, or with
 * REDIS_URL from Redis, shared by every gateway replica (this process's memory while Redis cannot answer).
 */
export class PublicResponseCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly redis?: SharedRedis,
  ) {}

  key(ctx: GraphQLRequestContext<GatewayContext>): string | undefined {
    if (!isPublicRead(ctx)) return undefined;
    const { query, variables, operationName } = ctx.request;
    return createHash('sha256')
      .update(query ?? ctx.queryHash ?? '')
      .update('\0')
      .update(operationName ?? '')
      .update('\0')
      .update(JSON.stringify(variables ?? {}))
      .digest('base64url');
  }

  async get(key: string): Promise<Entry | undefined> {
    if (this.redis) {
      const redis = this.redis;
      const found = await redis.attempt((c) => c.get(redis.key('gwcache', key)));
      if (found.ok) return found.value ? (JSON.parse(found.value) as Entry) : undefined;
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async set(key: string, body: unknown): Promise<void> {
    const now = Date.now();
    const entry = { body, stored: now, expires: now + this.ttlMs };
    if (this.redis) {
      const redis = this.redis;
      const stored = await redis.attempt((c) => c.set(redis.key('gwcache', key), JSON.stringify(entry), 'PX', this.ttlMs));
      if (stored.ok) return;
    }
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    // Arrow functions keep `this` bound to the cache.
    return {
      requestDidStart: async () => {
        let key: string | undefined;
        let fromCache = false;
        return {
          responseForOperation: async (ctx) => {
            key = this.key(ctx);
            if (!key) return null;
            // A request that asks to revalidate (the edge's cache filling or refreshing) is answered afresh, and stored.
            if (parseCacheControl(ctx.request.http?.headers.get('cache-control') ?? undefined)['no-cache'] === true) {
              this.misses++;
              return null;
            }
            const hit = await this.get(key);
            if (!hit) {
              this.misses++;
              return null;
            }
            this.hits++;
            fromCache = true;
            ctx.response.http.headers.set('age', String(Math.floor((Date.now() - hit.stored) / 1000)));
            return { body: { kind: 'single', singleResult: hit.body as never }, http: ctx.response.http };
          },
          willSendResponse: async (ctx) => {
            if (!key || ctx.response.body.kind !== 'single') return;
            const result = ctx.response.body.singleResult;
            if (result.errors?.length) return;
            ctx.response.http.headers.set('cache-control', `public, max-age=${Math.max(1, Math.floor(this.ttlMs / 1000))}`);
            if (!fromCache) await this.set(key, result);
          },
        };
      },
    };
  }
}

/**
 * Says which answers anyone may be given again: an anonymous query of public fields without errors is
 * `cache-control: public` (the edge keeps only such answers, edge-cache.ts); every other answer, signed-in
 * ones above all, is `private, no-store`, so no cache on the way keeps a person's data.
 */
export function publicAnswersPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: async () => ({
      willSendResponse: async (ctx) => {
        const headers = ctx.response.http.headers;
        const single = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
        const isPublic = isPublicRead(ctx) && single !== undefined && !single.errors?.length;
        if (!isPublic) headers.set('cache-control', 'private, no-store');
        else if (!headers.has('cache-control')) headers.set('cache-control', 'public, max-age=0');
      },
    }),
  };
}

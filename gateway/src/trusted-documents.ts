import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { AppError, ErrorCode, type Claims, type RequestInfo, type SharedRedis } from '@victori/shared';
import { isMutation } from './admission.js';
import { refuseEarly } from './early-refusal.js';

/** Roles that may send any document (within the cost limits): staff and partners, who are authenticated and known. */
export const ARBITRARY_DOCUMENT_ROLES: ReadonlySet<Claims['role']> = new Set(['health-worker', 'admin', 'partner']);

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The first-party clients' operations, by the sha256 of their text (the APQ hash). The manifest is JSON:
 * either `{ "<sha256>": "<query>" }` (each hash is checked against its text) or a list of queries.
 */
export class TrustedDocuments {
  private constructor(private readonly byHash: ReadonlyMap<string, string>) {}

  static fromJson(json: string): TrustedDocuments {
    const parsed = JSON.parse(json) as unknown;
    const entries: [string, string][] = Array.isArray(parsed)
      ? parsed.map((query) => [sha256(String(query)), String(query)])
      : Object.entries(parsed as Record<string, unknown>).map(([hash, query]) => [hash.toLowerCase(), String(query)]);
    for (const [hash, query] of entries) {
      if (sha256(query) !== hash) throw new Error(`trusted documents: hash ${hash} does not match its query`);
    }
    return new TrustedDocuments(new Map(entries));
  }

  static fromFile(file: string): TrustedDocuments {
    return TrustedDocuments.fromJson(readFileSync(file, 'utf8'));
  }

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string | undefined): boolean {
    return hash !== undefined && this.byHash.has(hash);
  }

  get(hash: string): string | undefined {
    return this.byHash.get(hash);
  }

  /** Hashes of the manifest's mutations: the edge admits a booking sent by hash alone as a booking. */
  mutationHashes(): string[] {
    return [...this.byHash].filter(([, query]) => isMutation({ query })).map(([hash]) => hash);
  }

  /** Apollo's persisted-query cache with this manifest in front (see persistedQueryStore). */
  persistedQueryCache(max = 10_000, redis?: SharedRedis): PersistedQueryStore {
    return persistedQueryStore(this, redis, max);
  }
}

export interface PersistedQueryStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/**
 * Apollo's persisted-query cache (APQ), with the trusted manifest (if any) in front: a client sends a
 * registered operation by hash alone and it is found even though nobody registered it at run time.
 * Run-time registrations (where they are still allowed) go to Redis when the gateway has REDIS_URL (every
 * gateway replica knows a query one of them was taught), else to a bounded map, the oldest leaving first.
 * While Redis cannot answer, registrations go to the map: a miss only makes the client send its text once
 * more (PERSISTED_QUERY_NOT_FOUND is part of the protocol).
 */
export function persistedQueryStore(
  manifest: TrustedDocuments | undefined,
  redis: SharedRedis | undefined,
  max = 10_000,
): PersistedQueryStore {
  const registered = new Map<string, string>();
  // Apollo prefixes the hash ("apq:") before asking its cache.
  const hashOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);
  const remember = (key: string, value: string): void => {
    registered.delete(key);
    if (registered.size >= max) registered.delete(registered.keys().next().value!);
    registered.set(key, value);
  };
  return {
    get: async (key) => {
      const trusted = manifest?.get(hashOf(key));
      if (trusted !== undefined) return trusted;
      if (redis) {
        const found = await redis.attempt((c) => c.get(redis.key('apq', hashOf(key))));
        if (found.ok && found.value !== null) return found.value;
      }
      return registered.get(key);
    },
    set: async (key, value, options) => {
      if (manifest?.has(hashOf(key))) return;
      if (redis) {
        // A registered query is kept a day unless Apollo asks for less.
        const ttlS = Math.max(1, Math.min(options?.ttl ?? 86_400, 86_400));
        const stored = await redis.attempt((c) => c.set(redis.key('apq', hashOf(key)), value, 'EX', ttlS));
        if (stored.ok) return;
      }
      remember(key, value);
    },
    delete: async (key) => {
      if (redis) await redis.attempt((c) => c.del(redis.key('apq', hashOf(key))));
      return registered.delete(key);
    },
  };
}

export const persistedQueryRequired = (): AppError =>
  new AppError(
    ErrorCode.PERSISTED_QUERY_REQUIRED,
    {
      id: 'Hanya operasi terdaftar dari aplikasi resmi yang diterima; kirim hash kueri tersimpan',
      en: 'Only operations registered by first-party apps are accepted; send a persisted query hash',
    },
    { http: { status: 400 } },
  );

/**
 * Trusted-documents mode: a caller who is not staff or partner may run only the manifest's operations
 * (by hash, or by their exact text). Decided as the request starts, before anything is parsed.
 */
export function trustedDocumentsPlugin<TContext extends { request: RequestInfo }>(
  documents: TrustedDocuments,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request, contextValue }: GraphQLRequestContext<TContext>) {
      const role = (contextValue as Partial<TContext>).request?.claims.role ?? 'anonymous';
      if (ARBITRARY_DOCUMENT_ROLES.has(role)) return;
      const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
      const hash = typeof request.query === 'string' ? sha256(request.query) : typeof persisted === 'string' ? persisted : undefined;
      if (!documents.has(hash)) refuseEarly(request, persistedQueryRequired());
    },
  };
}

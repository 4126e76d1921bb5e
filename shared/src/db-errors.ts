import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type pg from 'pg';
import { AppError, commonKey, ErrorCode, type Message } from './errors.js';
import type { Env } from './config.js';

/**
 * What a database (or an upstream) that is briefly gone looks like to callers: a typed UNAVAILABLE with
 * Retry-After, never a generic 500. A terminated backend, a restarting server or one that is down for a
 * while all end in one of these errors; the pools drop the broken connection and the next request
 * (or the next turn of a background loop) connects again, so nothing needs restarting.
 */

/** How long a caller should wait before retrying, in seconds (Retry-After). */
export const RETRY_AFTER_SECONDS = 2;

const UNAVAILABLE_MESSAGE: Message = {
  id: 'Layanan sedang tidak tersedia sementara; silakan coba lagi dalam beberapa detik',
  en: 'The service is temporarily unavailable; please try again in a few seconds',
};

/** SQLSTATE classes and codes that mean "the server or the connection is gone", not "your request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '25P03', // idle_in_transaction_session_timeout
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const MESSAGES =
  /connection terminated|terminating connection|server closed the connection|timeout exceeded when trying to connect|not queryable|database system is (starting up|shutting down|in recovery)|connection (refused|reset)|Connection is closed|the database system is not yet accepting|canceling statement due to statement timeout/i;

/** Whether an error (or anything it wraps) is a lost or refused database connection or a statement timeout. */
export function isDbUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const e = error as {
    code?: unknown;
    sqlState?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    originalError?: unknown;
    thrownValue?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : typeof e.sqlState === 'string' ? e.sqlState : '';
  if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDbUnavailable(inner, depth + 1))) return true;
  // graphql-js wraps a thrown value that is not an Error of its own realm (a driver's error seen from a
  // vm context, as under Jest) in NonErrorThrown, with the value as `thrownValue`.
  return isDbUnavailable(e.cause, depth + 1) || isDbUnavailable(e.originalError, depth + 1) || isDbUnavailable(e.thrownValue, depth + 1);
}

export const unavailable = (): AppError =>
  new AppError(ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE, { retryAfterSeconds: RETRY_AFTER_SECONDS });

/** The formatted GraphQL error for a database that is gone (formatError uses it), or undefined. */
export function formatUnavailable(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError | undefined {
  if (!isDbUnavailable(original)) return undefined;
  return {
    message: UNAVAILABLE_MESSAGE.id,
    path: formatted.path,
    locations: formatted.locations,
    extensions: {
      code: ErrorCode.UNAVAILABLE,
      messageId: commonKey(ErrorCode.UNAVAILABLE),
      messageEn: UNAVAILABLE_MESSAGE.en,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    },
  };
}

/** A whole HTTP answer for a route or request that failed because the database is gone, or undefined. */
export function unavailableResponse(
  error: unknown,
  requestId: string,
): { status: number; body: unknown; headers: Record<string, string> } | undefined {
  if (!isDbUnavailable(error)) return undefined;
  return {
    status: 503,
    body: {
      errors: [
        {
          message: UNAVAILABLE_MESSAGE.id,
          extensions: {
            code: ErrorCode.UNAVAILABLE,
            messageId: commonKey(ErrorCode.UNAVAILABLE),
            messageEn: UNAVAILABLE_MESSAGE.en,
            retryAfterSeconds: RETRY_AFTER_SECONDS,
            requestId,
          },
        },
      ],
    },
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  };
}

const RETRYABLE_CODES = new Set<string>([ErrorCode.UNAVAILABLE, ErrorCode.SUBGRAPH_UNAVAILABLE]);

/**
 * GraphQL over HTTP: an answer with an UNAVAILABLE error carries Retry-After; one with no data at all
 * (every root field null) is a whole-request failure and gets 503, so clients and proxies retry it. A
 * partial answer stays 200: a committed booking with a failed follow-up field is still a success.
 */
export function unavailablePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          if (!errors?.some((e) => RETRYABLE_CODES.has(String(e.extensions?.code)))) return;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          const nothing = !data || Object.values(data).every((v) => v === null || v === undefined);
          if (nothing && errors.every((e) => RETRYABLE_CODES.has(String(e.extensions?.code)))) response.http.status = 503;
        },
      };
    },
  };
}

export interface DbTimeouts {
  /** PostgreSQL's statement_timeout for every connection, ms (0 = off). */
  statementTimeoutMs: number;
  /** idle_in_transaction_session_timeout, ms: a transaction left open by a stalled process is ended. */
  idleInTransactionTimeoutMs: number;
  /**
   * pg-pool's connectionTimeoutMillis, 0 = off (the default): it bounds the wait for a free pool slot too,
   * so a short one fails a surge's bookings queued for the pool, and one shorter than a PostgreSQL stall
   * turns a stall the platform rides out today into errors. A database that is down refuses at once anyway.
   */
  connectTimeoutMs: number;
}

/** DB_STATEMENT_TIMEOUT_MS, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS. */
export function loadDbTimeouts(env: Env): DbTimeouts {
  return {
    statementTimeoutMs: env.int('DB_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000),
    idleInTransactionTimeoutMs: env.int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, 0, 3_600_000),
    connectTimeoutMs: env.int('DB_CONNECT_TIMEOUT_MS', 0, 0, 600_000),
  };
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { statementTimeoutMs: 15_000, idleInTransactionTimeoutMs: 30_000, connectTimeoutMs: 0 };

/** The pg client settings that apply the timeouts (pg sends the first two as startup parameters). */
export function pgTimeoutOptions(t: DbTimeouts = DEFAULT_DB_TIMEOUTS): pg.PoolConfig {
  return {
    statement_timeout: t.statementTimeoutMs,
    idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs,
    connectionTimeoutMillis: t.connectTimeoutMs,
  };
}

type ErrorSink = (message: string, error: Error) => void;

/**
 * pg reports a connection the server dropped as an 'error' event, and an 'error' event without a
 * listener kills the process. pg-pool listens on idle clients only, so checked-out clients get one too.
 *
 * A checked-out client whose connection dies is also handed back to the pool (with the error, so the pool
 * discards it): Kysely, under MikroORM, releases a transaction's connection only after a successful
 * COMMIT or ROLLBACK, so every transaction cut off by a terminated backend or a restart would otherwise
 * keep its pool slot for good, and after `max` of them every query waits out the connect timeout.
 */
export function guardPool(pool: pg.Pool, onError: ErrorSink): pg.Pool {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('error', (error) => onError('PostgreSQL pool connection lost', error));
  pool.on('connect', (client) => {
    const lost = (error: Error): void => {
      const held = client as pg.PoolClient;
      if (!checkedOut.delete(held)) return;
      const release = held.release.bind(held);
      // Whoever holds it may still release it later; by then the pool has already let it go.
      held.release = () => undefined;
      try {
        release(error);
      } catch {
        // already released
      }
    };
    client.on('error', (error) => {
      onError('PostgreSQL connection lost', error);
      lost(error);
    });
    client.on('end', () => lost(new Error('Connection terminated')));
  });
  return pool;
}

export function guardClient(client: pg.Client, onError: ErrorSink): pg.Client {
  client.on('error', (error) => onError('PostgreSQL connection lost', error));
  return client;
}

import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

/** Named parameters of one statement: `:name` in the text, `{ name: value }` here. */
export type SqlParams = Record<string, unknown>;

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** A statement with `:name` placeholders compiled once: MikroORM's positional text and the names in order. */
export interface NamedStatement {
  sql: string;
  names: string[];
}

/**
 * Turns `:name` placeholders into MikroORM's positional `?` (pg: `$n` via toPgPlaceholders) and records
 * the names in order. Quoted text ('...'), quoted identifiers ("..."), `--` comments and `::type` casts
 * are left alone; a `?` in the text is an error (name it).
 */
export function compileNamed(text: string, style: '?' | '$' = '?'): NamedStatement {
  const cache = style === '?' ? compiled : compiledNumbered;
  const cached = cache.get(text);
  if (cached) return cached;
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = closing(text, i, c);
      out += text.slice(i, end);
      i = end;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === ':' && text[i + 1] === ':') {
      out += '::';
      i += 2;
    } else if (c === ':' && NAME_START.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && NAME_PART.test(text[j]!)) j++;
      names.push(text.slice(i + 1, j));
      out += style === '?' ? '?' : `$${names.length}`;
      i = j;
    } else if (c === '?') {
      throw new Error('SQL uses a positional ? placeholder; name it (:name)');
    } else {
      out += c;
      i++;
    }
  }
  const statement = { sql: out, names };
  if (cache.size >= 1000) cache.clear(); // statements built from filters vary; keep the cache bounded
  cache.set(text, statement);
  return statement;
}

const compiled = new Map<string, NamedStatement>();
const compiledNumbered = new Map<string, NamedStatement>();

/**
 * The values of a compiled statement in placeholder order. A placeholder without a value or a value
 * without a placeholder is an error: a typo must not bind null or silently drop a filter. Arrays bind as
 * lists (`in (:ids)`), as MikroORM does.
 */
export function namedValues(statement: NamedStatement, params: SqlParams = {}): unknown[] {
  const values = statement.names.map((name) => {
    if (!Object.hasOwn(params, name)) throw new Error(`SQL parameter :${name} has no value`);
    return params[name];
  });
  for (const name of Object.keys(params))
    if (!statement.names.includes(name)) throw new Error(`SQL parameter ${name} is not used by the statement`);
  return values;
}

/** `compileNamed` and `namedValues` in one step. */
export function bindNamed(text: string, params: SqlParams = {}): { sql: string; values: unknown[] } {
  const statement = compileNamed(text);
  return { sql: statement.sql, values: namedValues(statement, params) };
}

function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote)
        i += 2; // doubled quote inside
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** Runs one statement with named parameters on `em` (a request fork or a transaction's `tx`). */
export async function sql<T = Record<string, unknown>>(em: EntityManager, text: string, params: SqlParams = {}): Promise<T[]> {
  const { sql: statement, values } = bindNamed(text, params);
  return em.execute<T[]>(statement, values);
}

/** The first row of a statement, or undefined. */
export async function sqlOne<T = Record<string, unknown>>(em: EntityManager, text: string, params: SqlParams = {}): Promise<T | undefined> {
  const [row] = await sql<T>(em, text, params);
  return row;
}

/** What `sqlBound` needs of a Kysely instance or transaction (MikroORM's connection and transaction context). */
interface QueryRunner {
  executeQuery(query: { sql: string; parameters: readonly unknown[]; query: unknown; queryId: unknown }): Promise<{ rows: unknown[] }>;
}

/**
 * `sql` for bulk statements: the values are sent as bind parameters ($1, $2, …) instead of being escaped
 * into the statement's text, as MikroORM does with every value. A batch's rows travel as one JSON text of
 * hundreds of kilobytes, which MikroORM escaped character by character and PostgreSQL then scanned back out
 * of the statement. Runs in `em`'s transaction when it has one. Arrays bind as PostgreSQL arrays (`= any(:ids)`),
 * not as lists.
 */
export async function sqlBound<T = Record<string, unknown>>(em: EntityManager, text: string, params: SqlParams = {}): Promise<T[]> {
  const statement = compileNamed(text, '$');
  return runBound<T>(em, statement.sql, namedValues(statement, params));
}

async function runBound<T>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const runner = (em.getTransactionContext() ?? em.getConnection().getClient()) as QueryRunner;
  const started = Date.now();
  let failed = false;
  try {
    const result = await runner.executeQuery({
      sql: text,
      parameters: values,
      query: { kind: 'RawNode', sqlFragments: [text], parameters: [] },
      queryId: { queryId: 'victori-sql-bound' },
    });
    return result.rows as T[];
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // To MikroORM's logger (public: the configuration's), where its own statements go, so the services'
    // QueryCounter counts these too.
    em.config.getLogger().logQuery({ level: failed ? 'error' : 'info', query: text, took: Date.now() - started });
  }
}

/**
 * A hot statement, prepared: PostgreSQL parses and plans it once per connection and then only executes it.
 * Measured on the availability search (four joined tables), PostgreSQL's CPU per statement fell from about
 * 610 µs (its text with the values in it, as `sql` sends it) or 690 µs (bound, unnamed) to about 100 µs.
 * Values are bound as in `sqlBound` (arrays as PostgreSQL arrays: `= any(:ids::uuid[])`, not `in (:ids)`).
 *
 * Statements are prepared by their text (the pool's connections name them, `preparePooledStatements`), so a
 * statement whose text is built from a filter is prepared once per shape. At most `MAX_PREPARED` texts per
 * process are: past that a statement runs bound and unnamed, as it would without this, so that a caller
 * building texts without bound (a list spelled out value by value) cannot fill PostgreSQL's memory.
 */
export async function sqlPrepared<T = Record<string, unknown>>(em: EntityManager, text: string, params: SqlParams = {}): Promise<T[]> {
  const statement = compileNamed(text, '$');
  return executePrepared<T>(em, statement.sql, namedValues(statement, params));
}

/** `sqlPrepared` for a statement already written with `$1, $2, …` and its values in that order. */
export async function executePrepared<T = Record<string, unknown>>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  if (!preparedNames.has(text) && preparedNames.size < MAX_PREPARED) {
    preparedNames.set(text, `victori_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
  }
  return runBound<T>(em, text, values);
}

/** Texts `sqlPrepared` has run (numbered placeholders) and their statement names. */
const preparedNames = new Map<string, string>();
export const MAX_PREPARED = 200;

/** The prepared statement name of a statement text, if `sqlPrepared` has registered it. */
export function preparedStatementName(text: string): string | undefined {
  return preparedNames.get(text);
}

/**
 * Makes each of `pool`'s connections send the statements `sqlPrepared` registered as named (prepared)
 * statements: `pg` parses a name once per connection and afterwards sends only Bind and Execute. Kysely
 * (MikroORM's executor) calls `client.query(text, values)`; that call is the one rewritten, nothing else.
 */
export function preparePooledStatements(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    const query = client.query as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = function (this: pg.Client, config: unknown, values?: unknown, callback?: unknown): unknown {
      if (typeof config === 'string' && Array.isArray(values)) {
        const name = preparedNames.get(config);
        if (name) return query.call(this, { name, text: config, values }, callback);
      }
      return query.call(this, config, values, callback);
    };
  });
  return pool;
}

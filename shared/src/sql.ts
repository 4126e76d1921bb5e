import type { EntityManager } from '@mikro-orm/postgresql';

/** Named parameters of one statement: `:name` in the text, `{ name: value }` here. */
export type SqlParams = Record<string, unknown>;

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/**
 * Turns `:name` placeholders into MikroORM's positional `?` and the values in order. Quoted text
 * ('...'), quoted identifiers ("..."), comments and `::type` casts are left alone; a `?` in the text, a
 * placeholder without a value or a value without a placeholder is an error (a typo must not bind null or
 * drop a filter). Arrays bind as lists (`in (:ids)`), as MikroORM does.
 */
export function bindNamed(text: string, params: SqlParams = {}): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const used = new Set<string>();
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
      const name = text.slice(i + 1, j);
      if (!Object.hasOwn(params, name)) throw new Error(`SQL parameter :${name} has no value`);
      used.add(name);
      values.push(params[name]);
      out += '?';
      i = j;
    } else if (c === '?') {
      throw new Error('SQL uses a positional ? placeholder; name it (:name)');
    } else {
      out += c;
      i++;
    }
  }
  for (const name of Object.keys(params)) if (!used.has(name)) throw new Error(`SQL parameter ${name} is not used by the statement`);
  return { sql: out, values };
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

import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { badInput } from './errors.js';

/**
 * Cursor connections (the Relay shape: `edges { cursor node }`, `pageInfo`, `totalCount`) for every list
 * that can grow. A cursor is the opaque base64url of the sort key of its row; a page is read with a
 * keyset condition (`(a, b) > (?, ?)`, never OFFSET), so walking a list that grows meanwhile visits each
 * row once. `PageInfo` is @shareable: every subgraph with a connection declares the same type.
 */
@Directive('@shareable')
@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * The edge and connection object types of one node type (`<Name>Edge`, `<Name>Connection`). Call once per
 * node type at module level; `shareable` when more than one subgraph declares the connection.
 */
export function connectionType<T extends object>(
  name: string,
  node: ClassType<T>,
  options: { shareable?: boolean; totalDescription?: string } = {},
): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: options.totalDescription ?? 'Items matching the arguments, over all pages' })
    totalCount!: number;
  }
  if (options.shareable) {
    Directive('@shareable')(EdgeType);
    Directive('@shareable')(ConnectionType);
  }
  return ConnectionType;
}

/** Largest `first` any connection serves; larger pages are refused, not cut. */
export const MAX_PAGE_SIZE = 200;

/** `first` checked (1 to max); BAD_USER_INPUT on `first` otherwise. */
export function pageSize(first: number | null | undefined, fallback: number, max = MAX_PAGE_SIZE): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw badInput('first', { id: `first harus 1 sampai ${max}`, en: `first must be 1 to ${max}`, key: 'badUserInput.first' });
  }
  return size;
}

export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * The sort key in a cursor, each part checked by `parts` (a cursor is client input like any other).
 * BAD_USER_INPUT on `after` for anything that is not one of ours.
 */
export function decodeCursor(after: string, parts: ((value: unknown) => boolean)[]): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === parts.length && parts.every((ok, i) => ok(key[i]))) return key as (string | number)[];
  } catch {
    // not JSON: the error below
  }
  throw badInput('after', { id: 'Kursor halaman tidak valid', en: 'Invalid page cursor', key: 'badUserInput.after' });
}

/**
 * A connection from the rows of one page read with `limit first + 1` (the extra row only tells whether
 * a next page exists) and the total over all pages.
 */
export function toConnection<R, T>(
  rows: readonly R[],
  first: number,
  totalCount: number,
  cursorOf: (row: R) => readonly (string | number)[],
  toNode: (row: R) => T,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: toNode(row) }));
  return {
    edges,
    totalCount,
    pageInfo: Object.assign(new PageInfo(), { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor }),
  };
}

const compareKeys = (a: readonly (string | number)[], b: readonly (string | number)[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
};

/**
 * A connection over rows already read in full through a batched loader (one person's dose records: the
 * loader keeps a page of people one query): sorted by `keyOf`, the page after the cursor's key. The same
 * keyset rule as the SQL pages, so a row added meanwhile is never seen twice.
 */
export function connectionOf<R, T>(
  rows: readonly R[],
  page: { first?: number | null; after?: string | null; fallback: number; max?: number },
  keyOf: (row: R) => readonly (string | number)[],
  parts: ((value: unknown) => boolean)[],
  toNode: (row: R) => T,
): Connection<T> {
  const size = pageSize(page.first, page.fallback, page.max);
  const after = page.after ? decodeCursor(page.after, parts) : undefined;
  const sorted = [...rows].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const rest = after ? sorted.filter((r) => compareKeys(keyOf(r), after) > 0) : sorted;
  return toConnection(rest.slice(0, size + 1), size, sorted.length, keyOf, toNode);
}

/**
 * Whether the field being resolved selects `name` directly (through inline fragments and named fragments
 * too): a connection's resolver can leave out the count statement when nobody asked for `totalCount`.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const within = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return within(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

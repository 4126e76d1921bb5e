import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../postgres.js';

/** Admin URL of the test cluster that Jest's global setup started (or TEST_DATABASE_URL). */
export function testAdminUrl(): string {
  const url = process.env.VICTORI_TEST_ADMIN_URL;
  if (!url) throw new Error('VICTORI_TEST_ADMIN_URL is not set: run tests through `npm test`');
  return url;
}

/** A unique prefix for this test file's databases. */
export function uniquePrefix(label: string): string {
  return `t_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh, empty database; drop() removes it. */
export async function freshDatabase(label: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = uniquePrefix(label);
  const url = await ensureDatabase(testAdminUrl(), name);
  return { name, url, drop: () => dropDatabase(testAdminUrl(), name) };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Posts a GraphQL operation like a client would. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: T; errors?: GraphQLResponse['errors'] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, headers: res.headers, data: body.data ?? undefined, errors: body.errors };
}
export * from './redis.js';

import type { EntityManager } from '@mikro-orm/postgresql';

/** SQLSTATE and constraint name of a PostgreSQL error (MikroORM copies them onto its exceptions). */
export function pgError(error: unknown): { code?: string; constraint?: string } {
  const e = error as { code?: unknown; constraint?: unknown };
  return { code: typeof e.code === 'string' ? e.code : undefined, constraint: typeof e.constraint === 'string' ? e.constraint : undefined };
}

/** Whether a failed write broke one of these unique constraints. */
export function violates(error: unknown, constraints: readonly string[]): boolean {
  const { code, constraint } = pgError(error);
  return code === '23505' && constraint !== undefined && constraints.includes(constraint);
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * One transaction with its single handle `tx`. A deadlock or serialization failure (possible when two
 * writers touch the same rows in different orders, e.g. crossing reschedules) is retried a few times
 * instead of surfacing as a server error.
 */
export async function transaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(work);
    } catch (error) {
      if (attempt >= 5 || !RETRYABLE.has(pgError(error).code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { VaccineProductEntity } from './product.entity.js';

/** How long the catalogue is kept, and how often at most a code it lacks makes it read again. */
export const CATALOGUE_TTL_MS = 60_000;
export const CATALOGUE_MISS_RELOAD_MS = 5_000;

/**
 * The vaccine product catalogue in memory: a few dozen rows, written only by the seed when the service
 * starts (no operation changes a product), asked for by every availability search twice (a session's
 * product and each stock line's). Read again after `CATALOGUE_TTL_MS`, or when a code is asked for that it
 * does not hold (a product added by another replica's seed), at most every `CATALOGUE_MISS_RELOAD_MS`.
 * Before, each search read the table through the ORM once per request: a statement and an entity
 * hydration per search for data that does not change.
 */
export class ProductCatalogue {
  private rows: Map<string, VaccineProductEntity> | undefined;
  private loadedAt = 0;
  private loading: Promise<Map<string, VaccineProductEntity>> | undefined;
  reads = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async get(em: EntityManager, codes: readonly string[]): Promise<(VaccineProductEntity | null)[]> {
    let rows = this.rows && this.now() - this.loadedAt < CATALOGUE_TTL_MS ? this.rows : await this.load(em);
    if (codes.some((c) => !rows.has(c)) && this.now() - this.loadedAt >= CATALOGUE_MISS_RELOAD_MS) rows = await this.load(em);
    return codes.map((c) => rows.get(c) ?? null);
  }

  private load(em: EntityManager): Promise<Map<string, VaccineProductEntity>> {
    this.loading ??= (async () => {
      try {
        // Its own fork: the kept entities belong to no request.
        const found = await em.fork().find(VaccineProductEntity, {});
        this.reads++;
        this.rows = new Map(found.map((r) => [r.code, r]));
        this.loadedAt = this.now();
        return this.rows;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

export function createProductLoader(em: EntityManager, catalogue: ProductCatalogue): DataLoader<string, VaccineProductEntity | null> {
  return new DataLoader((codes) => catalogue.get(em, codes));
}

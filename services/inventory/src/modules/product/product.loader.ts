import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { VaccineProductEntity } from './product.entity.js';

export function createProductLoader(em: EntityManager): DataLoader<string, VaccineProductEntity | null> {
  return new DataLoader(async (codes) => {
    const rows = await em.find(VaccineProductEntity, { code: { $in: [...codes] } });
    const byCode = new Map(rows.map((r) => [r.code, r]));
    return codes.map((c) => byCode.get(c) ?? null);
  });
}

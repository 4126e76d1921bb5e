import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AreaEntity } from './area.entity.js';

/** One query per batch of area codes, whatever the number of references. */
export function createAreaLoader(em: EntityManager): DataLoader<string, AreaEntity | null> {
  return new DataLoader(async (codes) => {
    const rows = await em.find(AreaEntity, { code: { $in: [...codes] } });
    const byCode = new Map(rows.map((r) => [r.code, r]));
    return codes.map((c) => byCode.get(c) ?? null);
  });
}

export function createAreaChildrenLoader(em: EntityManager): DataLoader<string, AreaEntity[]> {
  return new DataLoader(async (codes) => {
    const rows = await em.find(AreaEntity, { parentCode: { $in: [...codes] } }, { orderBy: { code: 'asc' } });
    return codes.map((c) => rows.filter((r) => r.parentCode === c));
  });
}

import { semarangAreas, type AreaRow } from '@victori/shared';
import type { AreaTree } from '../suppression/suppression.js';
import { Area, AreaLevel } from './area.type.js';

export type LevelName = 'CITY' | 'KECAMATAN' | 'KELURAHAN';

export interface AreaIndex extends AreaTree {
  byCode: Map<string, AreaRow>;
  city: AreaRow;
  levelOf(code: string): LevelName | undefined;
  /** The kelurahan under an area (itself for a kelurahan). */
  kelurahanUnder(code: string): string[];
}

let index: AreaIndex | undefined;

/** Kota Semarang's hierarchy, the same reference data the area table is seeded from. */
export function areaIndex(): AreaIndex {
  if (index) return index;
  const rows = semarangAreas();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const city = rows.find((r) => r.level === 'city')!;
  const kecamatan = new Map<string, string[]>();
  for (const r of rows) if (r.level === 'kecamatan') kecamatan.set(r.code, []);
  for (const r of rows) if (r.level === 'kelurahan') kecamatan.get(r.parentCode)?.push(r.code);
  const levelOf = (code: string) => byCode.get(code)?.level.toUpperCase() as LevelName | undefined;
  index = {
    cityCode: city.code,
    city,
    kecamatan,
    byCode,
    levelOf,
    kelurahanUnder(code) {
      const level = levelOf(code);
      if (level === 'KELURAHAN') return [code];
      if (level === 'KECAMATAN') return kecamatan.get(code) ?? [];
      return level === 'CITY' ? [...kecamatan.values()].flat() : [];
    },
  };
  return index;
}

export function areaFromRow(row: AreaRow): Area {
  return Object.assign(new Area(), {
    code: row.code,
    level: AreaLevel[row.level.toUpperCase() as LevelName],
    name: row.name,
    parentCode: row.level === 'city' ? undefined : row.parentCode,
  });
}

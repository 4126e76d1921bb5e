import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import type { LevelName } from '../area/area.tree.js';
import { coverageReport } from './coverage.service.js';
import type { CoverageData } from './coverage.table.js';

export interface AreaCoverageKey {
  programme: string;
  dose: string;
  asOf: string | null;
  level: LevelName;
}

/** Area.coverage: one coverage table per (programme, dose, asOf, level) per request, whatever the number of areas. */
export function createCoverageLoader(em: EntityManager, settings: ReportingSettings, claims: Claims): DataLoader<AreaCoverageKey, CoverageData[], string> {
  return new DataLoader(
    async (keys) => {
      const out: CoverageData[][] = [];
      for (const k of keys) out.push(await coverageReport(em, claims, { ...k, parentCode: null }, settings));
      return out;
    },
    { cacheKeyFn: (k) => JSON.stringify([k.programme, k.dose, k.asOf, k.level]) },
  );
}

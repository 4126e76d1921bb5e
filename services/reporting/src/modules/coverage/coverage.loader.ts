import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Claims } from '@victori/shared';
import type { ReportingSettings } from '../../config.js';
import type { LevelName } from '../area/area.tree.js';
import { restrictionFor } from '../report/view.js';
import { coverageTable, type CoverageData } from './coverage.service.js';

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
      for (const k of keys) out.push(await coverageTable(em, settings, { ...k, parentCode: null }, restrictionFor(claims, settings)));
      return out;
    },
    { cacheKeyFn: (k) => JSON.stringify([k.programme, k.dose, k.asOf, k.level]) },
  );
}

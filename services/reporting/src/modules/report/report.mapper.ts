import { areaFromRow } from '../area/area.tree.js';
import { AreaLevel } from '../area/area.type.js';
import type { ChildIndicatorData } from '../child/child.table.js';
import { ChildIndicatorRow } from '../child/child.type.js';
import type { CoverageData } from '../coverage/coverage.table.js';
import { CoverageRow } from '../coverage/coverage.type.js';
import { facilityRef } from '../../external/facility.stub.js';
import type { FacilityIndicatorData } from '../operations/facility-indicators.table.js';
import { FacilityIndicatorRow } from '../operations/facility-indicators.type.js';

export const toCoverageRow = (d: CoverageData): CoverageRow =>
  Object.assign(new CoverageRow(), { ...d, area: areaFromRow(d.area), level: AreaLevel[d.level] });

export const toChildIndicatorRow = (d: ChildIndicatorData): ChildIndicatorRow =>
  Object.assign(new ChildIndicatorRow(), { ...d, area: areaFromRow(d.area), level: AreaLevel[d.level] });

export const toFacilityIndicatorRow = (d: FacilityIndicatorData): FacilityIndicatorRow => {
  const { facilityId, ...rest } = d;
  return Object.assign(new FacilityIndicatorRow(), { ...rest, facility: facilityRef(facilityId) });
};

import { Area, AreaLevel } from './area.type.js';
import type { AreaEntity } from './area.entity.js';

export function toArea(entity: AreaEntity): Area {
  return Object.assign(new Area(), {
    code: entity.code,
    level: AreaLevel[entity.level],
    name: entity.name,
    parentCode: entity.parentCode,
  });
}

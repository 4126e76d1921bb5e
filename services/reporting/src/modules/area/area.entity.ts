import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export type AreaLevelValue = 'CITY' | 'KECAMATAN' | 'KELURAHAN';

/** City, kecamatan or kelurahan of Kota Semarang, keyed by its Kemendagri code. */
@Entity({ tableName: 'area' })
export class AreaEntity {
  @PrimaryKey({ type: 'string', length: 20 })
  code!: string;

  @Property({ type: 'string', length: 12 })
  level!: AreaLevelValue;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Index()
  @Property({ type: 'string', length: 20, nullable: true })
  parentCode?: string;
}

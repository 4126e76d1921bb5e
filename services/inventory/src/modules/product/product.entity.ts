import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

@Entity({ tableName: 'vaccine_product' })
export class VaccineProductEntity {
  @PrimaryKey({ type: 'string', length: 40 })
  code!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 200 })
  manufacturer!: string;

  @Property({ type: 'json' })
  antigens: string[] = [];

  @Property({ type: 'string', length: 40 })
  programme!: string;

  @Property({ type: 'string', length: 40 })
  presentation!: string;

  @Property({ type: 'integer' })
  dosesPerVial!: number;

  @Property({ type: 'integer' })
  minAgeMonths!: number;

  @Property({ type: 'integer', nullable: true })
  maxAgeMonths?: number;

  @Property({ type: 'json' })
  doseKinds: string[] = [];

  @Property({ type: 'boolean' })
  usesVvm!: boolean;

  @Property({ type: 'integer', nullable: true })
  openVialHours?: number;

  @Property({ type: 'string', length: 20, nullable: true })
  kfaCode?: string;

  @Property({ type: 'string', length: 10, nullable: true })
  cvxCode?: string;
}

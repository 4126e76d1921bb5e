import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export type FacilityTypeValue = 'PUSKESMAS' | 'HOSPITAL' | 'CLINIC' | 'TNI_POLRI' | 'UNIVERSITY' | 'POSYANDU' | 'CITY_STORE';

export interface OpeningHoursValue {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  opens: string;
  closes: string;
}

@Entity({ tableName: 'facility' })
export class FacilityEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 40, unique: true })
  code!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Index()
  @Property({ type: 'string', length: 20 })
  type!: FacilityTypeValue;

  @Index()
  @Property({ type: 'string', length: 20 })
  kelurahanCode!: string;

  @Index()
  @Property({ type: 'string', length: 20 })
  kecamatanCode!: string;

  @Property({ type: 'string', length: 300 })
  address!: string;

  @Property({ type: 'double', nullable: true })
  latitude?: number;

  @Property({ type: 'double', nullable: true })
  longitude?: number;

  @Property({ type: 'string', length: 30, nullable: true })
  phone?: string;

  @Property({ type: 'string', length: 200, nullable: true })
  email?: string;

  @Property({ type: 'json' })
  openingHours: OpeningHoursValue[] = [];

  @Property({ type: 'boolean' })
  active: boolean = true;

  /** Its Organization in SATUSEHAT (IHS number from the facility registry, "master sarana index"); admin-managed. */
  @Property({ type: 'string', length: 64, nullable: true })
  satusehatOrganizationId?: string;

  /** Its Location in SATUSEHAT (the place doses are given); admin-managed. */
  @Property({ type: 'string', length: 64, nullable: true })
  satusehatLocationId?: string;
}

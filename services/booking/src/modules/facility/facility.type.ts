import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '@victori/shared';
import { AreaRef } from '../../external/area.stub.js';

export enum FacilityType {
  PUSKESMAS = 'PUSKESMAS',
  HOSPITAL = 'HOSPITAL',
  CLINIC = 'CLINIC',
  TNI_POLRI = 'TNI_POLRI',
  UNIVERSITY = 'UNIVERSITY',
  POSYANDU = 'POSYANDU',
  CITY_STORE = 'CITY_STORE',
}
registerEnumType(FacilityType, { name: 'FacilityType', description: 'Kind of vaccination centre' });

@ObjectType('OpeningHours')
export class OpeningHours {
  @Field(() => Int, { description: 'ISO weekday, 1 = Monday … 7 = Sunday' })
  weekday!: number;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  closes!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('Facility', { description: 'A vaccination centre: puskesmas, hospital, clinic, TNI/Polri site, university or posyandu' })
export class Facility {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => FacilityType)
  type!: FacilityType;

  @Field(() => String)
  kelurahanCode!: string;

  @Field(() => String)
  kecamatanCode!: string;

  // Resolved by reporting: nullable so that reporting being down costs this field, not the facility.
  @Field(() => AreaRef, { nullable: true, description: 'The kelurahan the facility is in' })
  area!: AreaRef;

  @Field(() => String)
  address!: string;

  @Field(() => Float, { nullable: true })
  latitude?: number;

  @Field(() => Float, { nullable: true })
  longitude?: number;

  @Field(() => String, { nullable: true, description: 'Contact telephone' })
  phone?: string;

  @Field(() => String, { nullable: true, description: 'Contact e-mail' })
  email?: string;

  @Field(() => [OpeningHours])
  openingHours!: OpeningHours[];

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => String, { nullable: true, description: 'SATUSEHAT Organization id (IHS number); null until an admin registers it' })
  satusehatOrganizationId?: string;

  @Field(() => String, { nullable: true, description: 'SATUSEHAT Location id; null until an admin registers it' })
  satusehatLocationId?: string;
}

export const FacilityConnection = connectionType('Facility', Facility, {
  totalDescription: 'Facilities matching the filter, over all pages',
});

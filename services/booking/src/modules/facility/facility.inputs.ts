import { Field, Float, InputType, Int } from 'type-graphql';
import { FacilityType } from './facility.type.js';

@InputType('OpeningHoursInput')
export class OpeningHoursInput {
  @Field(() => Int, { description: 'ISO weekday, 1 = Monday … 7 = Sunday' })
  weekday!: number;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  opens!: string;

  @Field(() => String, { description: 'HH:MM, Asia/Jakarta' })
  closes!: string;
}

@InputType('CreateFacilityInput')
export class CreateFacilityInput {
  @Field(() => String, { description: 'Short unique code, e.g. PKM-MIROTO' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => FacilityType)
  type!: FacilityType;

  @Field(() => String, { description: 'Kelurahan code in Kota Semarang, e.g. 33.74.01.1001' })
  kelurahanCode!: string;

  @Field(() => String)
  address!: string;

  @Field(() => Float, { nullable: true })
  latitude?: number;

  @Field(() => Float, { nullable: true })
  longitude?: number;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => [OpeningHoursInput], { defaultValue: [] })
  openingHours!: OpeningHoursInput[];
}

@InputType('UpdateFacilityInput', { description: 'Only the fields given change' })
export class UpdateFacilityInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => FacilityType, { nullable: true })
  type?: FacilityType;

  @Field(() => String, { nullable: true })
  kelurahanCode?: string;

  @Field(() => String, { nullable: true })
  address?: string;

  @Field(() => Float, { nullable: true })
  latitude?: number;

  @Field(() => Float, { nullable: true })
  longitude?: number;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => [OpeningHoursInput], { nullable: true })
  openingHours?: OpeningHoursInput[];

  @Field(() => Boolean, { nullable: true, description: 'An inactive facility is hidden from the public list' })
  active?: boolean;
}

@InputType('SatusehatIdsInput', { description: "A facility's ids in SATUSEHAT's facility registry" })
export class SatusehatIdsInput {
  @Field(() => String, { description: 'Organization id (IHS number), e.g. 100011961' })
  organizationId!: string;

  @Field(() => String, { description: 'Location id (UUID) of the place doses are given' })
  locationId!: string;
}

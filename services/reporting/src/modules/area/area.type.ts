import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';

export enum AreaLevel {
  CITY = 'CITY',
  KECAMATAN = 'KECAMATAN',
  KELURAHAN = 'KELURAHAN',
}
registerEnumType(AreaLevel, { name: 'AreaLevel', description: 'Administrative level of an area' });

@Directive('@key(fields: "code")')
@ObjectType('Area', { description: 'An administrative area of Kota Semarang (city, kecamatan, kelurahan), keyed by Kemendagri code' })
export class Area {
  @Field(() => String, { description: 'Kemendagri code, e.g. 33.74.01.1001' })
  code!: string;

  @Field(() => AreaLevel)
  level!: AreaLevel;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Code of the enclosing area' })
  parentCode?: string;
}

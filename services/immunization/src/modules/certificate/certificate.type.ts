import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum HealthCardKind {
  DOSE = 'DOSE',
  RECORD = 'RECORD',
}
registerEnumType(HealthCardKind, {
  name: 'HealthCardKind',
  description: "DOSE: one dose; RECORD: all of a person's valid doses in one card (school enrolment)",
});

export enum HealthCardStatus {
  ACTIVE = 'ACTIVE',
  REPLACED = 'REPLACED',
  REVOKED = 'REVOKED',
}
registerEnumType(HealthCardStatus, {
  name: 'HealthCardStatus',
  description: 'REPLACED: a newer record card holds more doses (this one stays true); REVOKED: listed in the revocation list',
});

@ObjectType('HealthCardDose', { description: 'One dose as the signed card states it (DDCC:VS fields)' })
export class HealthCardDose {
  @Field(() => String, { description: 'Brand (product) name' })
  vaccine!: string;

  @Field(() => String, { nullable: true })
  manufacturer?: string | null;

  @Field(() => String, { nullable: true, description: 'CVX code, when the product has one' })
  cvxCode?: string | null;

  @Field(() => String)
  lotNumber!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  date!: string;

  @Field(() => Int)
  doseNumber!: number;

  @Field(() => Int)
  totalDoses!: number;

  @Field(() => String, { description: 'Vaccination centre' })
  centre!: string;

  @Field(() => String, { description: 'Country of vaccination (ISO 3166-1 alpha-2)' })
  country!: string;

  @Field(() => String, { nullable: true, description: 'Recommended date of the next dose of the series' })
  nextDose?: string | null;

  @Field(() => Boolean, { description: 'Given elsewhere, declared and confirmed by a health worker' })
  declared!: boolean;
}

@ObjectType('HealthCard', { description: 'A SMART Health Card (signed FHIR bundle) for one dose or a whole record' })
export class HealthCard {
  @Field(() => ID, { description: 'Certificate id (also in the signed bundle)' })
  id!: string;

  @Field(() => ID)
  personId!: string;

  @Field(() => HealthCardKind)
  kind!: HealthCardKind;

  @Field(() => HealthCardStatus)
  status!: HealthCardStatus;

  @Field(() => [ID])
  doseRecordIds!: string[];

  @Field(() => String)
  issuedAt!: string;

  @Field(() => String, { nullable: true })
  revokedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'CORRECTED or VOIDED' })
  revokeReason?: string | null;

  @Field(() => ID, { nullable: true, description: 'The card issued in its place' })
  replacedById?: string | null;

  @Field(() => String, { description: 'Issuer key id (JWK thumbprint)' })
  kid!: string;

  @Field(() => String, { description: 'Revocation id (SMART Health Cards `rid`)' })
  rid!: string;

  @Field(() => String, { description: 'The card: a compact JWS (ES256, DEFLATE payload)' })
  jws!: string;

  @Field(() => String, { description: 'The QR content: shc:/ and two digits per JWS character (numeric mode)' })
  qr!: string;

  @Field(() => String, { description: "Holder's name as signed" })
  holderName!: string;

  @Field(() => String)
  holderBirthDate!: string;

  @Field(() => String, { description: 'The issuer (iss): the platform public base URL' })
  issuer!: string;

  @Field(() => [HealthCardDose])
  doses!: HealthCardDose[];
}

@ObjectType('HealthCardKey', { description: 'A public issuer key (JWK), as at <issuer>/.well-known/jwks.json' })
export class HealthCardKey {
  @Field(() => String)
  kid!: string;
  @Field(() => String)
  kty!: string;
  @Field(() => String)
  crv!: string;
  @Field(() => String)
  x!: string;
  @Field(() => String)
  y!: string;
  @Field(() => String)
  alg!: string;
  @Field(() => String)
  use!: string;
  @Field(() => Int, { nullable: true, description: 'Seconds since the epoch after which the key is expired' })
  exp?: number | null;
  @Field(() => Int, { description: 'The current version (ctr) of this key’s revocation list' })
  crlVersion!: number;
}

@ObjectType('HealthCardRevocationList', { description: 'Revoked cards of one key, as at <issuer>/.well-known/crl/<kid>.json' })
export class HealthCardRevocationList {
  @Field(() => String)
  kid!: string;
  @Field(() => String)
  method!: string;
  @Field(() => Int, { description: 'Version counter: raised by every revocation' })
  ctr!: number;
  @Field(() => [String])
  rids!: string[];
}

@ObjectType('HealthCardIssuer', { description: 'What an offline verifier caches: the issuer, its keys and revocation lists (public)' })
export class HealthCardIssuer {
  @Field(() => String)
  issuer!: string;
  @Field(() => [HealthCardKey])
  keys!: HealthCardKey[];
  @Field(() => [HealthCardRevocationList])
  revocationLists!: HealthCardRevocationList[];
}

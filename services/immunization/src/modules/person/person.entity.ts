import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/**
 * A person in the registry. NIKs and the name are stored only encrypted, with a keyed hash for exact
 * lookup; a newborn without NIK is identified by the mother's NIK (hash) plus birth data.
 */
@Entity({ tableName: 'person' })
// Partial: most people have neither a mother's NIK on file nor an account (Migration20261124000000_lean_indexes).
@Index({
  name: 'person_mother_nik_hash_index',
  expression: 'create index "person_mother_nik_hash_index" on "person" ("mother_nik_hash") where "mother_nik_hash" is not null',
})
// Partial: the due list reads the children of one kelurahan (Migration20261202040000_facility_area).
@Index({
  name: 'person_child_kelurahan_index',
  expression: 'create index "person_child_kelurahan_index" on "person" ("residence_kelurahan_code", "birth_date") where "is_child"',
})
@Unique({
  name: 'person_account_id_unique',
  expression: 'create unique index "person_account_id_unique" on "person" ("account_id") where "account_id" is not null',
})
export class PersonEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  nikHash?: string | null;

  @Property({ type: 'text', nullable: true })
  nikEncrypted?: string | null;

  @Property({ type: 'text' })
  fullNameEncrypted!: string;

  @Property({ type: 'date' })
  birthDate!: string;

  @Property({ type: 'string', length: 6 })
  sex!: 'MALE' | 'FEMALE';

  @Property({ type: 'integer', nullable: true })
  birthWeightGrams?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  motherNikHash?: string | null;

  @Property({ type: 'text', nullable: true })
  motherNikEncrypted?: string | null;

  /** CONFIRMED or PENDING (typed in by a citizen without proof); see Migration20261201210000_child_registry. */
  @Property({ type: 'string', length: 10, nullable: true })
  motherLink?: 'CONFIRMED' | 'PENDING' | null;

  @Property({ type: 'string', length: 20 })
  residenceKelurahanCode!: string;

  @Property({ type: 'boolean' })
  isChild!: boolean;

  /** The citizen account that is this person (set when a citizen registers themselves). */
  @Property({ type: 'string', length: 100, nullable: true })
  accountId?: string | null;

  /** The facility whose health worker registered the person (walk-ins, births). */
  @Property({ type: 'uuid', nullable: true })
  registeredByFacilityId?: string | null;

  /** SATUSEHAT patient id (IHS number), cached once looked up. */
  @Property({ type: 'string', length: 40, nullable: true })
  ihsNumber?: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

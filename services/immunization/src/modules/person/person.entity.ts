import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A person in the registry. The NIK is stored only encrypted, with a keyed hash for exact lookup. */
@Entity({ tableName: 'person' })
export class PersonEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  nikHash?: string;

  @Property({ type: 'text', nullable: true })
  nikEncrypted?: string;

  @Property({ type: 'text' })
  fullNameEncrypted!: string;

  @Property({ type: 'date' })
  birthDate!: string;

  @Property({ type: 'string', length: 6 })
  sex!: 'MALE' | 'FEMALE';

  @Property({ type: 'string', length: 20 })
  residenceKelurahanCode!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

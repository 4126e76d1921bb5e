import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** A citizen account that may see and act for a person (a parent or guardian of a child). */
@Entity({ tableName: 'person_guardian' })
@Unique({ properties: ['personId', 'accountId'] })
export class GuardianEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  personId!: string;

  @Index()
  @Property({ type: 'string', length: 100 })
  accountId!: string;

  /** MOTHER, FATHER, GUARDIAN */
  @Property({ type: 'string', length: 20 })
  relationship!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** The current text of one FAQ entry, in Indonesian and English. */
@Entity({ tableName: 'faq_entry' })
export class FaqEntryEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 80, unique: true })
  slug!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  questionId!: string;

  @Property({ type: 'text' })
  questionEn!: string;

  @Property({ type: 'text' })
  answerId!: string;

  @Property({ type: 'text' })
  answerEn!: string;

  @Property({ type: 'json' })
  tags: string[] = [];

  @Property({ type: 'boolean' })
  published!: boolean;

  @Property({ type: 'datetime' })
  updatedAt!: Date;

  @Property({ type: 'string', length: 100 })
  updatedBy!: string;
}

/** Every version of every entry, as it was saved (the history the city office can read back). */
@Entity({ tableName: 'faq_revision' })
@Unique({ properties: ['faqId', 'version'] })
export class FaqRevisionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Index()
  @Property({ type: 'uuid' })
  faqId!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  questionId!: string;

  @Property({ type: 'text' })
  questionEn!: string;

  @Property({ type: 'text' })
  answerId!: string;

  @Property({ type: 'text' })
  answerEn!: string;

  @Property({ type: 'json' })
  tags: string[] = [];

  @Property({ type: 'boolean' })
  published!: boolean;

  @Property({ type: 'datetime' })
  changedAt!: Date;

  @Property({ type: 'string', length: 100 })
  changedBy!: string;
}

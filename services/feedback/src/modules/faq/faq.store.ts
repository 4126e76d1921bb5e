import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { FaqEntryEntity, FaqRevisionEntity } from './faq.entity.js';

export type FaqRow = Omit<FaqEntryEntity, never>;
export type FaqRevisionRow = Omit<FaqRevisionEntity, never>;

const plain = <T extends object>(e: T): T => ({ ...e });
/** A search word as a literal ILIKE pattern (its % and _ are not wildcards). */
const like = (word: string): string => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Entries whose question, answer or tags contain every word (either language), by slug. */
export async function searchFaq(em: EntityManager, args: { words: string[]; includeDrafts: boolean; limit: number }): Promise<FaqRow[]> {
  const fields = ['questionId', 'questionEn', 'answerId', 'answerEn', 'slug'] as const;
  const where = {
    ...(args.includeDrafts ? {} : { published: true }),
    ...(args.words.length ? { $and: args.words.map((w) => ({ $or: fields.map((f) => ({ [f]: { $ilike: like(w) } })) })) } : {}),
  };
  return (await em.find(FaqEntryEntity, where, { orderBy: { slug: 'asc' }, limit: args.limit })).map(plain);
}

export async function findFaq(em: EntityManager, args: { slug: string }): Promise<FaqRow | undefined> {
  const found = await em.findOne(FaqEntryEntity, { slug: args.slug });
  return found ? plain(found) : undefined;
}

export async function lockFaq(tx: EntityManager, args: { slug: string }): Promise<FaqRow | undefined> {
  const found = await tx.findOne(FaqEntryEntity, { slug: args.slug }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  return found ? plain(found) : undefined;
}

/** Writes the entry's new current text and the same text as its revision `version`. */
export async function saveFaq(tx: EntityManager, args: { row: FaqRow; isNew: boolean }): Promise<FaqRow> {
  const { row } = args;
  if (args.isNew) tx.create(FaqEntryEntity, row);
  else await tx.nativeUpdate(FaqEntryEntity, { id: row.id }, { ...row });
  tx.create(FaqRevisionEntity, {
    id: crypto.randomUUID(),
    faqId: row.id,
    version: row.version,
    questionId: row.questionId,
    questionEn: row.questionEn,
    answerId: row.answerId,
    answerEn: row.answerEn,
    tags: row.tags,
    published: row.published,
    changedAt: row.updatedAt,
    changedBy: row.updatedBy,
  });
  await tx.flush();
  return row;
}

export async function revisionsOf(em: EntityManager, args: { faqId: string }): Promise<FaqRevisionRow[]> {
  return (await em.find(FaqRevisionEntity, { faqId: args.faqId }, { orderBy: { version: 'desc' } })).map(plain);
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dataPath, type Orm } from '@victori/shared';
import { lockFaq, saveFaq, type FaqRow } from '../modules/faq/faq.store.js';

type SeedEntry = Pick<FaqRow, 'slug' | 'questionId' | 'questionEn' | 'answerId' | 'answerEn' | 'tags'>;

/** Seeds the FAQ from data/feedback/faq.json: entries that do not exist yet, as published version 1 (idempotent). */
export async function seedFaq(orm: Orm): Promise<void> {
  const { entries } = JSON.parse(readFileSync(dataPath('feedback/faq.json'), 'utf8')) as { entries: SeedEntry[] };
  await orm.em.fork().transactional(async (tx: EntityManager) => {
    for (const entry of entries) {
      if (await lockFaq(tx, { slug: entry.slug })) continue;
      const row: FaqRow = { ...entry, id: randomUUID(), version: 1, published: true, updatedAt: new Date(), updatedBy: 'system:seed' };
      await saveFaq(tx, { row, isNew: true });
    }
  });
}

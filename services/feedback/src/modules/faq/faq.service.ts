import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict } from '@victori/shared';
import type { FeedbackContext } from '../../context.js';
import { feedbackPolicy } from '../../policy.js';
import { Mistakes } from '../complaint/complaint.rules.js';
import { findFaq, lockFaq, revisionsOf, saveFaq, searchFaq, type FaqRevisionRow, type FaqRow } from './faq.store.js';

export type { FaqRow };

export interface FaqInput {
  slug: string;
  questionId: string;
  questionEn: string;
  answerId: string;
  answerEn: string;
  tags?: string[] | null;
  published: boolean;
  /** The version the editor started from; absent for a new entry. A different current version is a CONFLICT. */
  expectedVersion?: number | null;
}

/** The public FAQ, searchable in Indonesian and English; the city office may include drafts. */
export async function faq(ctx: FeedbackContext, args: { search?: string | null; includeDrafts?: boolean | null }): Promise<FaqRow[]> {
  feedbackPolicy.readFaq(ctx.request.claims, Boolean(args.includeDrafts));
  const words = (args.search ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length >= 2)
    .slice(0, 8);
  return searchFaq(ctx.em, { words, includeDrafts: Boolean(args.includeDrafts), limit: 100 });
}

export async function faqEntry(ctx: FeedbackContext, slug: string): Promise<FaqRow> {
  feedbackPolicy.publicRead();
  const row = await findFaq(ctx.em, { slug });
  if (!row || (!row.published && ctx.request.claims.role !== 'admin')) throw feedbackPolicy.faqNotFound();
  return row;
}

export async function faqRevisions(ctx: FeedbackContext, faqId: string): Promise<FaqRevisionRow[]> {
  feedbackPolicy.editFaq(ctx.request.claims);
  return revisionsOf(ctx.em, { faqId });
}

function checkFaq(input: FaqInput): FaqInput & { tags: string[] } {
  const wrong = new Mistakes();
  const len = (field: keyof FaqInput, value: string, min: number, max: number) => {
    if (value.trim().length < min || value.trim().length > max)
      wrong.add(field, { id: `Isi ${min} sampai ${max} karakter`, en: `Write ${min} to ${max} characters` });
  };
  if (!/^[a-z0-9][a-z0-9-]{2,79}$/.test(input.slug))
    wrong.add('slug', { id: 'Slug: huruf kecil, angka dan tanda hubung', en: 'Slug: lowercase letters, digits and hyphens' });
  len('questionId', input.questionId, 5, 300);
  len('questionEn', input.questionEn, 5, 300);
  len('answerId', input.answerId, 10, 5000);
  len('answerEn', input.answerEn, 10, 5000);
  const tags = [...new Set((input.tags ?? []).map((t) => t.trim().toLowerCase()))];
  if (tags.length > 10 || tags.some((t) => !/^[\p{L}0-9 -]{1,30}$/u.test(t)))
    wrong.add('tags', { id: 'Paling banyak 10 label pendek', en: 'At most 10 short tags' });
  if (
    input.expectedVersion !== undefined &&
    input.expectedVersion !== null &&
    (!Number.isInteger(input.expectedVersion) || input.expectedVersion < 1)
  ) {
    wrong.add('expectedVersion', { id: 'Versi tidak valid', en: 'Invalid version' });
  }
  wrong.done();
  return { ...input, tags };
}

/** Creates or edits an entry (the city office); each save is a new version, the old ones kept. */
export async function saveFaqEntry(ctx: FeedbackContext, input: FaqInput): Promise<FaqRow> {
  feedbackPolicy.editFaq(ctx.request.claims);
  const clean = checkFaq(input);
  return ctx.em.transactional(async (tx) => {
    const current = await lockFaq(tx, { slug: clean.slug });
    const expected = clean.expectedVersion ?? null;
    if ((current?.version ?? null) !== expected) {
      throw conflict(
        current
          ? {
              id: `Entri ini sudah diubah (versi ${current.version}); muat ulang`,
              en: `This entry was changed (version ${current.version}); reload it`,
            }
          : { id: 'Entri ini belum ada; kosongkan versi', en: 'This entry does not exist yet; leave the version empty' },
        { field: 'expectedVersion', currentVersion: current?.version ?? null },
      );
    }
    return write(tx, current, clean, `${ctx.request.claims.role}:${ctx.request.claims.sub ?? 'unknown'}`, ctx.feedback.now());
  });
}

function write(
  tx: EntityManager,
  current: FaqRow | undefined,
  input: FaqInput & { tags: string[] },
  by: string,
  at: Date,
): Promise<FaqRow> {
  const row: FaqRow = {
    id: current?.id ?? randomUUID(),
    slug: input.slug,
    version: (current?.version ?? 0) + 1,
    questionId: input.questionId.trim(),
    questionEn: input.questionEn.trim(),
    answerId: input.answerId.trim(),
    answerEn: input.answerEn.trim(),
    tags: input.tags,
    published: input.published,
    updatedAt: at,
    updatedBy: by,
  };
  return saveFaq(tx, { row, isNew: !current });
}

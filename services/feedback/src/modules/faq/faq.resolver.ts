import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FeedbackContext } from '../../context.js';
import { faq, faqEntry, faqRevisions, saveFaqEntry, type FaqRow } from './faq.service.js';
import { FaqEntry, FaqRevision, SaveFaqEntryInput } from './faq.type.js';

const toEntry = (row: FaqRow): FaqEntry => Object.assign(new FaqEntry(), { ...row, updatedAt: row.updatedAt.toISOString() });

@Resolver(() => FaqEntry)
export class FaqResolver {
  @Query(() => [FaqEntry], { description: 'The FAQ, optionally searched (every word, either language). Public; drafts for admins only.' })
  async faq(
    @Ctx() ctx: FeedbackContext,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('includeDrafts', () => Boolean, { nullable: true }) includeDrafts?: boolean | null,
  ): Promise<FaqEntry[]> {
    return (await faq(ctx, { search, includeDrafts })).map(toEntry);
  }

  @Query(() => FaqEntry, { description: 'One FAQ entry by slug. Public.' })
  async faqEntry(@Ctx() ctx: FeedbackContext, @Arg('slug', () => String) slug: string): Promise<FaqEntry> {
    return toEntry(await faqEntry(ctx, slug));
  }

  @Mutation(() => FaqEntry, { description: 'Creates or edits an FAQ entry; each save is a new version. The city office (admins).' })
  async saveFaqEntry(@Ctx() ctx: FeedbackContext, @Arg('input', () => SaveFaqEntryInput) input: SaveFaqEntryInput): Promise<FaqEntry> {
    return toEntry(await saveFaqEntry(ctx, input));
  }

  @FieldResolver(() => [FaqRevision], { description: 'Every version, newest first. Admins.' })
  async revisions(@Root() entry: FaqEntry, @Ctx() ctx: FeedbackContext): Promise<FaqRevision[]> {
    return (await faqRevisions(ctx, entry.id)).map((r) => Object.assign(new FaqRevision(), { ...r, changedAt: r.changedAt.toISOString() }));
  }
}

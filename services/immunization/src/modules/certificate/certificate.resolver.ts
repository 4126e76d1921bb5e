import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { CertificateService } from './certificate.service.js';
import { HealthCard, HealthCardIssuer } from './certificate.type.js';

@Resolver(() => HealthCard)
export class CertificateResolver {
  @Query(() => [HealthCard], {
    description: "A person's certificates (SMART Health Cards): the person, guardians, staff of a linked facility",
  })
  healthCards(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false, description: 'Also replaced and revoked cards' }) includeRevoked: boolean,
  ): Promise<HealthCard[]> {
    return new CertificateService(ctx).cardsOf(personId, includeRevoked);
  }

  @Query(() => HealthCard, { description: 'One certificate (for its PDF)' })
  healthCard(@Ctx() ctx: ImmunizationContext, @Arg('id', () => ID) id: string): Promise<HealthCard> {
    return new CertificateService(ctx).card(id);
  }

  @Query(() => HealthCardIssuer, { description: 'Public: the issuer, its keys and revocation lists, for offline verifiers' })
  healthCardIssuer(@Ctx() ctx: ImmunizationContext): Promise<HealthCardIssuer> {
    return new CertificateService(ctx).issuer();
  }
}

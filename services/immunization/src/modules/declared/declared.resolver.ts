import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { lookUpNational } from './national.service.js';
import { immunizationPolicy, visiblePerson } from '../../policy.js';
import { confirmDeclared, declaredOf, declarePastDose, findDeclared, rejectDeclared, toDeclaredDose } from './declared.service.js';
import { ConfirmDeclaredDoseInput, DeclaredDose, DeclarePastDoseInput } from './declared.type.js';
import { CardIssuer } from '../certificate/certificate.issuer.js';

@Resolver(() => DeclaredDose)
export class DeclaredDoseResolver {
  @Query(() => [DeclaredDose], { description: "A person's declared doses, all decisions included (who may see the person)" })
  async declaredDoses(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<DeclaredDose[]> {
    await visiblePerson(ctx, personId);
    return (await declaredOf(ctx.em, personId)).map(toDeclaredDose);
  }

  @Mutation(() => DeclaredDose, {
    description:
      'Declares a dose given elsewhere (programme, dose, date, place, optional lot); the person or a guardian. Counts in the forecast as DECLARED, not in coverage until a health worker confirms it',
  })
  async declarePastDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => DeclarePastDoseInput) input: DeclarePastDoseInput,
  ): Promise<DeclaredDose> {
    const person = await immunizationPolicy.declareDose(ctx, input.personId);
    const row = await declarePastDose(ctx.em, ctx.request.claims, person, input);
    ctx.events.relay.nudge();
    return toDeclaredDose(row);
  }

  @Mutation(() => DeclaredDose, {
    description:
      "At check-in, a health worker of the person's facility confirms a declaration from the evidence: it becomes a dose record (source DECLARED)",
  })
  async confirmDeclaredDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => ConfirmDeclaredDoseInput) input: ConfirmDeclaredDoseInput,
  ): Promise<DeclaredDose> {
    const row = await findDeclared(ctx.em, input.declaredDoseId);
    const facilityId = await immunizationPolicy.decideDeclared(ctx, row?.person_id, 'confirm');
    const cards = await CardIssuer.create(ctx.em, ctx.vault, ctx.settings.certificates);
    const confirmed = await confirmDeclared(ctx.em, ctx.request.claims, row!, input, facilityId!, cards);
    ctx.events.relay.nudge();
    return toDeclaredDose(confirmed);
  }

  @Mutation(() => [DeclaredDose], {
    description:
      "Looks the person's immunizations up in the national record (SATUSEHAT, by NIK) and adds those not known here as NATIONAL; who may see the person. UNAVAILABLE when SATUSEHAT cannot be reached",
  })
  async lookUpNationalImmunizations(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<DeclaredDose[]> {
    const person = await immunizationPolicy.lookUpNational(ctx, personId);
    const rows = await lookUpNational(ctx, person);
    ctx.events.relay.nudge();
    return rows.map(toDeclaredDose);
  }

  @Mutation(() => DeclaredDose, {
    description: 'A health worker of the person’s facility (or an admin) rejects a declaration; it no longer counts',
  })
  async rejectDeclaredDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('declaredDoseId', () => ID) declaredDoseId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<DeclaredDose> {
    const row = await findDeclared(ctx.em, declaredDoseId);
    await immunizationPolicy.decideDeclared(ctx, row?.person_id, 'reject');
    const rejected = await rejectDeclared(ctx.em, ctx.request.claims, row!, reason);
    ctx.events.relay.nudge();
    return toDeclaredDose(rejected);
  }
}

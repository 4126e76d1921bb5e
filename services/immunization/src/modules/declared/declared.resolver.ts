import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { lookUpNational } from './national.service.js';
import { confirmDeclaredDose, declaredDoses, declarePastDose, rejectDeclaredDose, toDeclaredDose } from './declared.service.js';
import { ConfirmDeclaredDoseInput, DeclaredDose, DeclarePastDoseInput } from './declared.type.js';

@Resolver(() => DeclaredDose)
export class DeclaredDoseResolver {
  @Query(() => [DeclaredDose], { description: "A person's declared doses, all decisions included (who may see the person)" })
  async declaredDoses(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<DeclaredDose[]> {
    return (await declaredDoses(ctx, personId)).map(toDeclaredDose);
  }

  @Mutation(() => DeclaredDose, {
    description:
      'Declares a dose given elsewhere (programme, dose, date, place, optional lot); the person or a guardian. Counts in the forecast as DECLARED, not in coverage until a health worker confirms it',
  })
  async declarePastDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => DeclarePastDoseInput) input: DeclarePastDoseInput,
  ): Promise<DeclaredDose> {
    const row = await declarePastDose(ctx, input);
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
    const confirmed = await confirmDeclaredDose(ctx, input);
    ctx.events.relay.nudge();
    return toDeclaredDose(confirmed);
  }

  @Mutation(() => [DeclaredDose], {
    description:
      "Looks the person's immunizations up in the national record (SATUSEHAT, by NIK) and adds those not known here as NATIONAL; who may see the person. UNAVAILABLE when SATUSEHAT cannot be reached",
  })
  async lookUpNationalImmunizations(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<DeclaredDose[]> {
    const rows = await lookUpNational(ctx, personId);
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
    const rejected = await rejectDeclaredDose(ctx, declaredDoseId, reason);
    ctx.events.relay.nudge();
    return toDeclaredDose(rejected);
  }
}

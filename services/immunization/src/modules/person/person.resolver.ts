import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, type Connection } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { doseRecordPage, toDoseRecord } from '../dose/dose.mapper.js';
import { DoseRecord, DoseRecordConnection } from '../dose/dose.type.js';
import { personForecast } from '../forecast/forecast.service.js';
import { ImmunizationForecast } from '../forecast/forecast.type.js';
import { immunizationPolicy, visiblePerson } from '../../policy.js';
import { PersonEntity } from './person.entity.js';
import { AddGuardianInput, AssignChildNikInput, RegisterChildInput, RegisterPersonInput } from './person.inputs.js';
import { toPerson } from './person.mapper.js';
import { PersonService } from './person.service.js';
import { childKey } from './child-registry.js';
import { Person, PersonClaimCode } from './person.type.js';
import { checkBirthDate } from './person.service.js';

const service = (ctx: ImmunizationContext) => new PersonService(ctx.em, ctx.vault, ctx.request.claims);

/** Citizens act for themselves and their dependants; health workers for people they hold; admins for all. */
export const canActFor = (ctx: ImmunizationContext) => async (id: string) => {
  await visiblePerson(ctx, id);
};

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { description: 'A person by id: the person, their guardians, health workers of a linked facility, admins' })
  async person(@Ctx() ctx: ImmunizationContext, @Arg('id', () => ID) id: string): Promise<Person> {
    return toPerson(await visiblePerson(ctx, id), ctx.vault);
  }

  @Query(() => Person, { nullable: true, description: "The signed-in citizen's own record" })
  async myPerson(@Ctx() ctx: ImmunizationContext): Promise<Person | null> {
    const account = immunizationPolicy.ownRecords(ctx.request.claims);
    const entity = await ctx.em.findOne(PersonEntity, { accountId: account });
    return entity ? toPerson(entity, ctx.vault) : null;
  }

  @Query(() => [Person], { description: 'The children and others the signed-in citizen is guardian of' })
  async myDependants(@Ctx() ctx: ImmunizationContext): Promise<Person[]> {
    const account = immunizationPolicy.ownRecords(ctx.request.claims);
    const rows = await ctx.em.execute<{ person_id: string }[]>(
      `select person_id from person_guardian where account_id = ? order by created_at`,
      [account],
    );
    const people = await ctx.loaders.person.loadMany(rows.map((r) => r.person_id));
    return people.filter((p): p is PersonEntity => p instanceof PersonEntity).map((p) => toPerson(p, ctx.vault));
  }

  @Query(() => [Person], {
    description:
      "Exact lookup by NIK, or by mother's NIK (and birth date) for a child without NIK; admins, and health workers among the people linked to their facility (registered, walked in, booked or vaccinated there)",
  })
  async findPersons(
    @Ctx() ctx: ImmunizationContext,
    @Arg('nik', () => String, { nullable: true }) nik?: string,
    @Arg('motherNik', () => String, { nullable: true }) motherNik?: string,
    @Arg('birthDate', () => DateScalar, { nullable: true }) birthDate?: string,
  ): Promise<Person[]> {
    immunizationPolicy.findPersons(ctx.request.claims);
    if (!nik && !motherNik) return [];
    const where: Record<string, unknown> = nik ? { nikHash: ctx.vault.hash(nik) } : { motherNikHash: ctx.vault.hash(motherNik!) };
    if (birthDate) where.birthDate = checkBirthDate(birthDate);
    const rows = await ctx.em.find(PersonEntity, where, { orderBy: { birthDate: 'asc' }, limit: 20 });
    return (await immunizationPolicy.visibleOnly(ctx, rows)).map((p) => toPerson(p, ctx.vault));
  }

  @Mutation(() => Person, { description: 'Registers an adult by NIK (a citizen themselves, or a health worker for a walk-in)' })
  async registerPerson(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => RegisterPersonInput) input: RegisterPersonInput,
  ): Promise<Person> {
    const person = await service(ctx).registerPerson(input);
    ctx.events.relay.nudge();
    return toPerson(person, ctx.vault);
  }

  @Mutation(() => Person, {
    description:
      "Registers a child; the registering citizen becomes a guardian. The same child again (same mother's NIK, birth date, sex and name) returns it to its guardian and is DUPLICATE (with existingPersonId) for anyone else; honours the Idempotency-Key header",
  })
  async registerChild(@Ctx() ctx: ImmunizationContext, @Arg('input', () => RegisterChildInput) input: RegisterChildInput): Promise<Person> {
    const person = await service(ctx).registerChild(input, childKey(ctx.request, input));
    ctx.events.relay.nudge();
    return toPerson(person, ctx.vault);
  }

  @Mutation(() => Person, { description: "Records a child's NIK once issued" })
  async assignChildNik(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => AssignChildNikInput) input: AssignChildNikInput,
  ): Promise<Person> {
    return toPerson(await service(ctx).assignChildNik(input, canActFor(ctx)), ctx.vault);
  }

  @Mutation(() => Person, { description: 'Adds another guardian account to a child' })
  async addGuardian(@Ctx() ctx: ImmunizationContext, @Arg('input', () => AddGuardianInput) input: AddGuardianInput): Promise<Person> {
    return toPerson(await service(ctx).addGuardian(input, canActFor(ctx)), ctx.vault);
  }

  @Mutation(() => PersonClaimCode, {
    description:
      'A one-time code (valid 24 h) for the person in front of a health worker who sees them, with which their own citizen account claims the record (registerPerson with claimCode)',
  })
  async issuePersonClaimCode(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<PersonClaimCode> {
    const person = await immunizationPolicy.issueClaimCode(ctx, personId);
    const { code, expiresAt } = await service(ctx).issueClaimCode(person);
    return Object.assign(new PersonClaimCode(), { code, expiresAt: expiresAt.toISOString() });
  }

  @Mutation(() => Person, {
    description:
      "A health worker who sees the child (or an admin) confirms, with the mother's ID card in hand, that the mother's NIK a citizen typed in is hers",
  })
  async confirmMotherLink(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<Person> {
    const person = await immunizationPolicy.confirmMotherLink(ctx, personId);
    return toPerson(await service(ctx).confirmMotherLink(person), ctx.vault);
  }

  @FieldResolver(() => DoseRecordConnection, {
    description: 'Dose records, oldest first, cursor-paginated; superseded ones only when asked',
  })
  async doseRecords(
    @Root() person: Person,
    @Ctx() ctx: ImmunizationContext,
    @Arg('includeSuperseded', () => Boolean, { defaultValue: false }) includeSuperseded: boolean,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 200' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<DoseRecord>> {
    const rows = await ctx.loaders.dosesByPerson.load(person.id);
    return doseRecordPage(rows, { first, after, includeSuperseded }, toDoseRecord);
  }

  @FieldResolver(() => ImmunizationForecast, {
    description: "The person's schedule on a date (default today): every dose's status, IDL and IBL",
  })
  async forecast(
    @Root() person: Person,
    @Ctx() ctx: ImmunizationContext,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf?: string,
    @Arg('programme', () => String, { nullable: true }) programme?: string,
  ): Promise<ImmunizationForecast> {
    const entity = await ctx.loaders.person.load(person.id);
    return personForecast(ctx, entity!, asOf, programme);
  }
}

import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, type Connection } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { doseRecordPage, toDoseRecord } from '../dose/dose.mapper.js';
import { DoseRecord, DoseRecordConnection } from '../dose/dose.type.js';
import { shownPersonForecast } from '../forecast/forecast.service.js';
import { ImmunizationForecast } from '../forecast/forecast.type.js';
import { AddGuardianInput, AssignChildNikInput, RegisterChildInput, RegisterPersonInput } from './person.inputs.js';
import { toPerson } from './person.mapper.js';
import {
  addGuardian,
  assignChildNik,
  confirmMotherLink,
  findPersons,
  issueClaimCode,
  myDependants,
  myPerson,
  personById,
  registerChild,
  registerPerson,
  shownPersonDoses,
} from './person.service.js';
import { Person, PersonClaimCode } from './person.type.js';

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { description: 'A person by id: the person, their guardians, health workers of a linked facility, admins' })
  async person(@Ctx() ctx: ImmunizationContext, @Arg('id', () => ID) id: string): Promise<Person> {
    return toPerson(await personById(ctx, id), ctx.vault);
  }

  @Query(() => Person, { nullable: true, description: "The signed-in citizen's own record" })
  async myPerson(@Ctx() ctx: ImmunizationContext): Promise<Person | null> {
    const entity = await myPerson(ctx);
    return entity ? toPerson(entity, ctx.vault) : null;
  }

  @Query(() => [Person], { description: 'The children and others the signed-in citizen is guardian of' })
  async myDependants(@Ctx() ctx: ImmunizationContext): Promise<Person[]> {
    return (await myDependants(ctx)).map((p) => toPerson(p, ctx.vault));
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
    return (await findPersons(ctx, { nik, motherNik, birthDate })).map((p) => toPerson(p, ctx.vault));
  }

  @Mutation(() => Person, { description: 'Registers an adult by NIK (a citizen themselves, or a health worker for a walk-in)' })
  async registerPerson(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => RegisterPersonInput) input: RegisterPersonInput,
  ): Promise<Person> {
    const person = await registerPerson(ctx, input);
    ctx.events.relay.nudge();
    return toPerson(person, ctx.vault);
  }

  @Mutation(() => Person, {
    description:
      "Registers a child; the registering citizen becomes a guardian. The same child again (same mother's NIK, birth date, sex and name) returns it to its guardian and is DUPLICATE (with existingPersonId) for anyone else; honours the Idempotency-Key header",
  })
  async registerChild(@Ctx() ctx: ImmunizationContext, @Arg('input', () => RegisterChildInput) input: RegisterChildInput): Promise<Person> {
    const person = await registerChild(ctx, input);
    ctx.events.relay.nudge();
    return toPerson(person, ctx.vault);
  }

  @Mutation(() => Person, { description: "Records a child's NIK once issued" })
  async assignChildNik(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => AssignChildNikInput) input: AssignChildNikInput,
  ): Promise<Person> {
    return toPerson(await assignChildNik(ctx, input), ctx.vault);
  }

  @Mutation(() => Person, { description: 'Adds another guardian account to a child' })
  async addGuardian(@Ctx() ctx: ImmunizationContext, @Arg('input', () => AddGuardianInput) input: AddGuardianInput): Promise<Person> {
    return toPerson(await addGuardian(ctx, input), ctx.vault);
  }

  @Mutation(() => PersonClaimCode, {
    description:
      'A one-time code (valid 24 h) for the person in front of a health worker who sees them, with which their own citizen account claims the record (registerPerson with claimCode)',
  })
  async issuePersonClaimCode(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<PersonClaimCode> {
    const { code, expiresAt } = await issueClaimCode(ctx, personId);
    return Object.assign(new PersonClaimCode(), { code, expiresAt: expiresAt.toISOString() });
  }

  @Mutation(() => Person, {
    description:
      "A health worker who sees the child (or an admin) confirms, with the mother's ID card in hand, that the mother's NIK a citizen typed in is hers",
  })
  async confirmMotherLink(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<Person> {
    return toPerson(await confirmMotherLink(ctx, personId), ctx.vault);
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
    const rows = await shownPersonDoses(ctx, person.id);
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
    return shownPersonForecast(ctx, person.id, asOf, programme);
  }
}

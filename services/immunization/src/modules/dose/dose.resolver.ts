import { Arg, Ctx, FieldResolver, ID, Mutation, ObjectType, Field, Query, Resolver, Root } from 'type-graphql';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy, visiblePerson } from '../../policy.js';
import { toPerson } from '../person/person.mapper.js';
import { Person } from '../person/person.type.js';
import { toAdverseEvent, toDelivery, toDoseRecord } from './dose.mapper.js';
import { CorrectDoseInput, RecordAdverseEventInput, RecordDoseInput } from './dose.inputs.js';
import { CardIssuer } from '../certificate/certificate.issuer.js';
import { DoseService } from './dose.service.js';
import { AdverseEvent, DoseRecord, NationalDelivery, SlipDoseRecord } from './dose.type.js';
import { doseRecordsBySlip } from './slip-lookup.js';

@ObjectType('DoseCorrection')
export class DoseCorrection {
  @Field(() => DoseRecord)
  superseded!: DoseRecord;

  @Field(() => DoseRecord, { nullable: true, description: 'Null when the record was voided' })
  replacement?: DoseRecord | null;
}

const service = (ctx: ImmunizationContext) => new DoseService(ctx.em, ctx.request.claims);
/** With certificates: recording and correcting issue and revoke cards in the dose's transaction. */
const withCards = async (ctx: ImmunizationContext) =>
  new DoseService(ctx.em, ctx.request.claims, await CardIssuer.create(ctx.em, ctx.vault, ctx.settings.certificates));

@Resolver(() => DoseRecord)
export class DoseResolver {
  @Query(() => [DoseRecord], { description: "A person's dose records (who may see the person may see them)" })
  async doseRecords(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('includeSuperseded', () => Boolean, { defaultValue: false }) includeSuperseded: boolean,
  ): Promise<DoseRecord[]> {
    await visiblePerson(ctx, personId);
    const rows = await ctx.loaders.dosesByPerson.load(personId);
    return rows.filter((r) => includeSuperseded || r.status === 'ACTIVE').map(toDoseRecord);
  }

  @Query(() => [NationalDelivery], { description: 'Delivery of each of a person’s dose records to the national record (SATUSEHAT)' })
  async deliveryStatus(@Ctx() ctx: ImmunizationContext, @Arg('personId', () => ID) personId: string): Promise<NationalDelivery[]> {
    await visiblePerson(ctx, personId);
    const rows = await ctx.loaders.dosesByPerson.load(personId);
    return Promise.all(rows.map(async (r) => toDelivery(r, await ctx.loaders.deliveryByRecord.load(r.id))));
  }

  @Query(() => [SlipDoseRecord], {
    description:
      "The dose records of the person holding a slip, each with its delivery to SATUSEHAT: the NIK, birth date and a slip code written on one of the person's dose records (as for myAppointments). Public; every mismatch answers an empty list",
  })
  doseRecordsBySlip(
    @Ctx() ctx: ImmunizationContext,
    @Arg('nik', () => String) nik: string,
    @Arg('birthDate', () => String, { description: 'YYYY-MM-DD' }) birthDate: string,
    @Arg('slipCode', () => String) slipCode: string,
  ): Promise<SlipDoseRecord[]> {
    immunizationPolicy.slipHolderLookup(ctx.request.claims);
    return doseRecordsBySlip(ctx, { nik, birthDate, slipCode });
  }

  @Mutation(() => DoseRecord, { description: "Records an administered dose at the health worker's own facility" })
  async recordDose(@Ctx() ctx: ImmunizationContext, @Arg('input', () => RecordDoseInput) input: RecordDoseInput): Promise<DoseRecord> {
    const doses = await withCards(ctx);
    const record = await doses.recordDose(input, (dose) =>
      immunizationPolicy.recordDose(ctx, { ...dose, personId: input.personId, appointmentId: input.appointmentId, reason: input.reason }),
    );
    ctx.events.relay.nudge();
    return toDoseRecord(record);
  }

  @Mutation(() => DoseCorrection, { description: 'Supersedes a dose record with a corrected one (or voids it), keeping both' })
  async correctDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => CorrectDoseInput) input: CorrectDoseInput,
  ): Promise<DoseCorrection> {
    const result = await (await withCards(ctx)).correctDose(input);
    ctx.events.relay.nudge();
    return Object.assign(new DoseCorrection(), {
      superseded: toDoseRecord(result.superseded),
      replacement: result.replacement ? toDoseRecord(result.replacement) : null,
    });
  }

  @Mutation(() => AdverseEvent, { description: 'Reports an adverse event following immunization (KIPI) against a dose' })
  async recordAdverseEvent(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => RecordAdverseEventInput) input: RecordAdverseEventInput,
  ): Promise<AdverseEvent> {
    const event = await service(ctx).recordAdverseEvent(input, (personId) => immunizationPolicy.doseOwner(ctx, personId));
    return toAdverseEvent(event);
  }

  @FieldResolver(() => NationalDelivery, { description: 'Where this record is on its way to SATUSEHAT' })
  async delivery(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<NationalDelivery> {
    const entity = await ctx.loaders.doseRecord.load(record.id);
    return toDelivery(entity!, await ctx.loaders.deliveryByRecord.load(record.id));
  }

  @FieldResolver(() => [AdverseEvent])
  async adverseEvents(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<AdverseEvent[]> {
    return (await ctx.loaders.adverseEventsByDose.load(record.id)).map(toAdverseEvent);
  }

  @FieldResolver(() => Person)
  async person(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<Person> {
    return toPerson(await visiblePerson(ctx, record.personId), ctx.vault);
  }
}

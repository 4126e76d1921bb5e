import { Arg, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Field, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, type Connection } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { personById } from '../person/person.service.js';
import { toPerson } from '../person/person.mapper.js';
import { Person } from '../person/person.type.js';
import { doseRecordPage, toAdverseEvent, toDeliveries, toDoseRecord } from './dose.mapper.js';
import { CorrectDoseInput, RecordAdverseEventInput, RecordDoseInput } from './dose.inputs.js';
import { correctDose, deliveriesOf, doseRecordsBySlip, doseRecordsOf, recordAdverseEvent, recordDose } from './dose.service.js';
import { AdverseEvent, DoseRecord, DoseRecordConnection, NationalDelivery, NationalTarget, SlipDoseRecord } from './dose.type.js';

@ObjectType('DoseCorrection')
export class DoseCorrection {
  @Field(() => DoseRecord)
  superseded!: DoseRecord;

  @Field(() => DoseRecord, { nullable: true, description: 'Null when the record was voided' })
  replacement?: DoseRecord | null;
}

@Resolver(() => DoseRecord)
export class DoseResolver {
  @Query(() => DoseRecordConnection, {
    description: "A person's dose records, oldest first, cursor-paginated (who may see the person may see them)",
  })
  async doseRecords(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('includeSuperseded', () => Boolean, { defaultValue: false }) includeSuperseded: boolean,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 200' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after?: string | null,
  ): Promise<Connection<DoseRecord>> {
    const rows = await doseRecordsOf(ctx, personId);
    return doseRecordPage(rows, { first, after, includeSuperseded }, toDoseRecord);
  }

  @Query(() => [NationalDelivery], {
    description: 'Delivery of each of a person’s dose records to a national system (SATUSEHAT unless `target` says otherwise)',
  })
  async deliveryStatus(
    @Ctx() ctx: ImmunizationContext,
    @Arg('personId', () => ID) personId: string,
    @Arg('target', () => NationalTarget, { defaultValue: NationalTarget.SATUSEHAT }) target: NationalTarget,
  ): Promise<NationalDelivery[]> {
    const rows = await deliveriesOf(ctx, personId);
    return rows.map((r) => toDeliveries(r.record, r.deliveries).find((d) => d.target === target)!);
  }

  @Query(() => [SlipDoseRecord], {
    description:
      "The dose records of the person holding a slip, each with its delivery to SATUSEHAT: the NIK, birth date and a slip code written on one of the person's dose records (as for myAppointments). Public; every mismatch answers an empty list",
  })
  doseRecordsBySlip(
    @Ctx() ctx: ImmunizationContext,
    @Arg('nik', () => String) nik: string,
    @Arg('birthDate', () => DateScalar, { description: 'YYYY-MM-DD' }) birthDate: string,
    @Arg('slipCode', () => String) slipCode: string,
  ): Promise<SlipDoseRecord[]> {
    return doseRecordsBySlip(ctx, { nik, birthDate, slipCode });
  }

  @Mutation(() => DoseRecord, { description: "Records an administered dose at the health worker's own facility" })
  async recordDose(@Ctx() ctx: ImmunizationContext, @Arg('input', () => RecordDoseInput) input: RecordDoseInput): Promise<DoseRecord> {
    const record = await recordDose(ctx, input);
    ctx.events.relay.nudge();
    return toDoseRecord(record);
  }

  @Mutation(() => DoseCorrection, { description: 'Supersedes a dose record with a corrected one (or voids it), keeping both' })
  async correctDose(
    @Ctx() ctx: ImmunizationContext,
    @Arg('input', () => CorrectDoseInput) input: CorrectDoseInput,
  ): Promise<DoseCorrection> {
    const result = await correctDose(ctx, input);
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
    const event = await recordAdverseEvent(ctx, input);
    return toAdverseEvent(event);
  }

  @FieldResolver(() => NationalDelivery, { description: 'Where this record is on its way to SATUSEHAT (see deliveries for every target)' })
  async delivery(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<NationalDelivery> {
    const entity = await ctx.loaders.doseRecord.load(record.id);
    return toDeliveries(entity!, await ctx.loaders.deliveriesByRecord.load(record.id))[0]!;
  }

  @FieldResolver(() => [NationalDelivery], { description: 'Where this record stands in each national system (SATUSEHAT, BPJS PCare)' })
  async deliveries(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<NationalDelivery[]> {
    const entity = await ctx.loaders.doseRecord.load(record.id);
    return toDeliveries(entity!, await ctx.loaders.deliveriesByRecord.load(record.id));
  }

  @FieldResolver(() => [AdverseEvent])
  async adverseEvents(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<AdverseEvent[]> {
    return (await ctx.loaders.adverseEventsByDose.load(record.id)).map(toAdverseEvent);
  }

  @FieldResolver(() => Person)
  async person(@Root() record: DoseRecord, @Ctx() ctx: ImmunizationContext): Promise<Person> {
    return toPerson(await personById(ctx, record.personId), ctx.vault);
  }
}

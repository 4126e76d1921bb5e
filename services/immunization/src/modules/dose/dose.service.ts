import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  conflict,
  DoseCorrected,
  DoseRecorded,
  ErrorCode,
  FieldErrors,
  notFound,
  publish,
  type Claims,
  isUuid,
} from '@victori/shared';
import { productCatalogue, type Product } from '../../catalogue/catalogue.js';
import { enqueueDeliveries, type DeliveryItem } from '../../satusehat/delivery.queue.js';
import { immunizationPolicy, type DoseAuthority } from '../../policy.js';
import { doseRecordsBySlip as slipRecords } from './slip-lookup.js';
import type { SlipDoseRecord } from './dose.type.js';
import type { DeliveryRow } from '../../satusehat/delivery.queue.js';
import { PersonEntity } from '../person/person.entity.js';
import { isIsoDate, jakartaDate } from '../schedule/schedule.dates.js';
import { CardIssuer, type DoseCards } from '../certificate/certificate.issuer.js';
import type { ImmunizationContext } from '../../context.js';
import { AdverseEventEntity } from './adverse-event.entity.js';
import { DoseRecordEntity } from './dose.entity.js';
import type { CorrectDoseInput, RecordAdverseEventInput, RecordDoseInput } from './dose.inputs.js';
import { dedupeKey, dosePayload, findDose, judgeDose } from './dose.rules.js';

const CLOCK_SKEW_MS = 5 * 60_000;
const SEVERITIES = ['NON_SERIOUS', 'SERIOUS'];
const OUTCOMES = ['RECOVERED', 'RECOVERING', 'NOT_RECOVERED', 'HOSPITALISED', 'DIED', 'UNKNOWN'];

interface CheckedDose {
  programme: string;
  doseKind: string;
  product: Product;
  lotNumber: string;
  expirationDate: string | null;
  administeredAt: Date;
  appointmentId: string | null;
  slipCode: string | null;
  definition: NonNullable<ReturnType<typeof findDose>>;
}

export function parseInstant(value: string, field: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime()))
    throw badInput(field, { id: 'Waktu harus ISO 8601 dengan zona waktu', en: 'Time must be ISO 8601 with a time zone offset' });
  if (at.getTime() > Date.now() + CLOCK_SKEW_MS)
    throw badInput(field, { id: 'Waktu tidak boleh di masa depan', en: 'Time cannot be in the future' });
  return at;
}

/** Row-level checks shared by recording, correcting and importing. */
export function checkDose(input: {
  programme: string;
  doseKind: string;
  productCode: string;
  lotNumber: string;
  expirationDate?: string | null;
  administeredAt: string;
  appointmentId?: string | null;
  slipCode?: string | null;
}): CheckedDose {
  // All mistakes of the form at once (a dose form has eight fields); checks that need a valid field skip when it is not.
  const mistakes = new FieldErrors();
  const definition = findDose(input.programme, input.doseKind);
  if (!definition)
    mistakes.add('doseKind', {
      id: `Dosis ${input.doseKind} tidak dikenal dalam program ${input.programme}`,
      en: `Unknown dose ${input.doseKind} in programme ${input.programme}`,
    });
  const product = productCatalogue().get(input.productCode);
  if (!product) mistakes.add('productCode', { id: 'Produk vaksin tidak dikenal', en: 'Unknown vaccine product' });
  // The dose decides, not the product's home programme: BIAS's MR-BIAS is given with the routine MR vial.
  else if (!product.doseKinds.includes(input.doseKind)) {
    mistakes.add('productCode', {
      id: `${product.name} tidak untuk dosis ${input.doseKind}`,
      en: `${product.name} is not used for ${input.doseKind}`,
    });
  }
  const lotNumber = input.lotNumber.trim();
  if (!lotNumber || lotNumber.length > 40)
    mistakes.add('lotNumber', {
      id: 'Nomor batch wajib diisi (maks. 40 karakter)',
      en: 'Lot number is required (at most 40 characters)',
    });
  const expirationOk = !input.expirationDate || isIsoDate(input.expirationDate);
  if (!expirationOk)
    mistakes.add('expirationDate', { id: 'Tanggal kedaluwarsa harus YYYY-MM-DD', en: 'Expiration date must be YYYY-MM-DD' });
  const administeredAt = mistakes.check(() => parseInstant(input.administeredAt, 'administeredAt'));
  if (administeredAt && expirationOk && input.expirationDate && input.expirationDate < jakartaDate(administeredAt)) {
    mistakes.add('expirationDate', { id: 'Vaksin sudah kedaluwarsa saat diberikan', en: 'The vaccine had expired when it was given' });
  }
  if (input.appointmentId && !isUuid(input.appointmentId))
    mistakes.add('appointmentId', { id: 'ID janji temu tidak valid', en: 'Invalid appointment id' });
  const slipCode = input.slipCode?.trim() || null;
  if (slipCode && slipCode.length > 20) mistakes.add('slipCode', { id: 'Kode slip terlalu panjang', en: 'Slip code is too long' });
  mistakes.throwIfAny();
  if (!definition || !product || !administeredAt) throw new Error('unreachable: checked above');
  return {
    programme: input.programme,
    doseKind: input.doseKind,
    product,
    lotNumber,
    expirationDate: input.expirationDate ?? null,
    administeredAt,
    appointmentId: input.appointmentId ?? null,
    slipCode,
    definition,
  };
}

/** The record already there is named, so the desk can show both side by side (offline conflicts). */
const duplicate = (existingDoseRecordId?: string) =>
  new AppError(
    ErrorCode.DUPLICATE,
    {
      id: 'Dosis ini sudah tercatat untuk orang ini; gunakan koreksi',
      en: 'This dose is already recorded for this person; correct it instead',
    },
    { field: 'doseKind', ...(existingDoseRecordId ? { existingDoseRecordId } : {}) },
  );

const idempotencyConflict = (existingDoseRecordId: string) =>
  new AppError(
    ErrorCode.IDEMPOTENCY_CONFLICT,
    {
      id: 'ID catatan ini sudah dipakai untuk dosis lain',
      en: 'This record id was already used for a different dose',
    },
    { field: 'clientRecordId', existingDoseRecordId },
  );

/** What makes two sends of one entry the same entry (the device resends exactly what it kept). */
function sameEntry(record: DoseRecordEntity, personId: string, dose: CheckedDose, vaccinatorName: string | null): boolean {
  return (
    record.personId === personId &&
    record.programme === dose.programme &&
    record.doseKind === dose.doseKind &&
    record.productCode === dose.product.code &&
    record.lotNumber === dose.lotNumber &&
    (record.expirationDate ?? null) === dose.expirationDate &&
    record.administeredAt.getTime() === dose.administeredAt.getTime() &&
    (record.appointmentId ?? null) === dose.appointmentId &&
    (record.vaccinatorName ?? null) === vaccinatorName
  );
}

function checkEntryFields(input: { clientRecordId?: string | null; vaccinatorName?: string | null }): {
  clientRecordId: string | null;
  vaccinatorName: string | null;
} {
  const clientRecordId = input.clientRecordId?.trim().toLowerCase() || null;
  if (clientRecordId && !isUuid(clientRecordId))
    throw badInput('clientRecordId', { id: 'ID catatan harus UUID', en: 'The record id must be a UUID' });
  const vaccinatorName = input.vaccinatorName?.trim().replace(/\s+/g, ' ') || null;
  if (vaccinatorName && (vaccinatorName.length < 2 || vaccinatorName.length > 100))
    throw badInput('vaccinatorName', { id: 'Nama vaksinator 2-100 karakter', en: 'The vaccinator name must be 2-100 characters' });
  return { clientRecordId, vaccinatorName };
}

export class DoseService {
  constructor(
    private readonly em: EntityManager,
    private readonly claims: Claims,
    /** Certificates issued and revoked in the dose's transaction (modules/certificate); absent for bulk imports. */
    private readonly cards?: DoseCards,
  ) {}

  /** Writes a record, its event and its national delivery in one transaction. */
  private async insertRecord(
    tx: EntityManager,
    person: PersonEntity,
    dose: CheckedDose,
    facilityId: string,
    extra: Partial<DoseRecordEntity>,
  ): Promise<DoseRecordEntity> {
    if (jakartaDate(dose.administeredAt) < person.birthDate) {
      throw badInput('administeredAt', { id: 'Waktu pemberian sebelum tanggal lahir', en: 'Administered before the date of birth' });
    }
    const others = await tx.find(DoseRecordEntity, { personId: person.id, programme: dose.programme, status: 'ACTIVE' });
    const sameKind = others.filter((o) => o.doseKind === dose.doseKind);
    const given = sameKind.find((o) => o.valid);
    if (given) throw duplicate(given.id);
    const id = randomUUID();
    const validity = judgeDose({
      series: dose.definition.series,
      doseKind: dose.doseKind,
      product: dose.product,
      birthDate: person.birthDate,
      administeredAt: dose.administeredAt,
      others: others.map((o) => ({ id: o.id, doseKind: o.doseKind, givenOn: jakartaDate(o.administeredAt) })),
      recordId: id,
    });
    const key = dedupeKey(person.id, dose.programme, dose.doseKind, sameKind.length + 1);
    const record = tx.create(DoseRecordEntity, {
      id,
      personId: person.id,
      programme: dose.programme,
      doseKind: dose.doseKind,
      antigen: validity.antigen,
      doseNumber: validity.doseNumber,
      productCode: dose.product.code,
      lotNumber: dose.lotNumber,
      expirationDate: dose.expirationDate,
      administeredAt: dose.administeredAt,
      facilityId,
      performerId: this.claims.sub ?? 'unknown',
      appointmentId: dose.appointmentId,
      slipCode: dose.slipCode,
      valid: validity.valid,
      invalidReason: validity.reason,
      timing: validity.timing,
      status: 'ACTIVE',
      dedupeKey: key,
      activeKey: key,
      source: 'RECORDED',
      recordedAt: new Date(),
      ...extra,
    });
    await tx.flush();
    return record;
  }

  /**
   * `authorize` is the policy's decision (src/policy.ts): the facility and, for another day's appointment,
   * the reason. With a `clientRecordId` the call is idempotent per facility: a replay of the same entry
   * returns the record it made (even after its appointment completed), another dose under it is refused.
   */
  async recordDose(
    input: RecordDoseInput,
    authorize: (dose: { administeredOn: string }) => Promise<DoseAuthority>,
  ): Promise<DoseRecordEntity> {
    const replayFacility = immunizationPolicy.recordDoseReplay(this.claims);
    const dose = checkDose(input);
    const { clientRecordId, vaccinatorName } = checkEntryFields(input);
    const replay = async (em: EntityManager): Promise<DoseRecordEntity | null> => {
      if (!clientRecordId) return null;
      const earlier = await em.findOne(DoseRecordEntity, { facilityId: replayFacility, clientRecordId });
      if (!earlier) return null;
      if (!sameEntry(earlier, input.personId, dose, vaccinatorName)) throw idempotencyConflict(earlier.id);
      return earlier;
    };
    const earlier = await replay(this.em);
    if (earlier) return earlier;
    const { facilityId, offScheduleReason } = await authorize({ administeredOn: jakartaDate(dose.administeredAt) });
    try {
      return await this.em.transactional(async (tx) => {
        // The person's row lock serialises records for one person, so validity sees every earlier dose.
        const person = await tx.findOne(PersonEntity, { id: input.personId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!person) throw notFound('Orang', 'personId');
        // A concurrent send of the same entry committed while this one waited for the lock.
        const concurrent = await replay(tx);
        if (concurrent) return concurrent;
        const record = await this.insertRecord(tx, person, dose, facilityId, { offScheduleReason, clientRecordId, vaccinatorName });
        await publish(tx, 'immunization', DoseRecorded, person.id, dosePayload(record, person));
        await enqueueDeliveries(tx, [{ dedupeKey: record.dedupeKey, personId: person.id, doseRecordId: record.id }]);
        await this.cards?.recorded(tx, person, record);
        return record;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        const again = await replay(this.em.fork());
        if (again) return again;
        throw duplicate();
      }
      throw error;
    }
  }

  /**
   * A declared dose a health worker confirmed: a dose record like any other (validity judged against the
   * schedule, DoseRecorded for coverage, national delivery) but with source DECLARED, so the national
   * record receives it as reported, not administered here (primarySource false). Runs in the caller's
   * transaction, which holds the person's row lock.
   */
  async recordDeclared(
    tx: EntityManager,
    person: PersonEntity,
    input: { programme: string; doseKind: string; productCode: string; lotNumber: string; givenOn: string },
    facilityId: string,
  ): Promise<DoseRecordEntity> {
    // Noon in Jakarta: the declared day, whatever the server's zone.
    const dose = checkDose({ ...input, administeredAt: `${input.givenOn}T12:00:00+07:00` });
    const record = await this.insertRecord(tx, person, dose, facilityId, { source: 'DECLARED' });
    await publish(tx, 'immunization', DoseRecorded, person.id, dosePayload(record, person));
    await enqueueDeliveries(tx, [{ dedupeKey: record.dedupeKey, personId: person.id, doseRecordId: record.id }]);
    await this.cards?.recorded(tx, person, record);
    return record;
  }

  /** Supersedes (or voids) a record; both stay. Health workers of the record's facility, or admins. */
  async correctDose(input: CorrectDoseInput): Promise<{ superseded: DoseRecordEntity; replacement: DoseRecordEntity | null }> {
    immunizationPolicy.doseWork(this.claims, 'health-worker', 'admin');
    const reason = input.reason.trim();
    if (reason.length < 3 || reason.length > 500)
      throw badInput('reason', {
        id: 'Alasan koreksi wajib diisi (3-500 karakter)',
        en: 'A correction reason is required (3-500 characters)',
      });
    const replacementDose = input.replacement ? checkDose(input.replacement) : null;
    try {
      return await this.em.transactional(async (tx) => {
        const old = isUuid(input.doseRecordId) ? await tx.findOne(DoseRecordEntity, { id: input.doseRecordId }) : null;
        immunizationPolicy.correctDose(this.claims, old?.facilityId);
        if (!old) throw notFound('Catatan dosis', 'doseRecordId');
        if (input.replacement && input.replacement.personId !== old.personId) {
          throw badInput('replacement.personId', {
            id: 'Koreksi tidak boleh memindahkan dosis ke orang lain',
            en: 'A correction cannot move a dose to another person',
          });
        }
        const person = await tx.findOneOrFail(PersonEntity, { id: old.personId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        await tx.refresh(old);
        if (old.status !== 'ACTIVE') throw conflict({ id: 'Catatan ini sudah dikoreksi', en: 'This record was already corrected' });
        old.status = replacementDose ? 'SUPERSEDED' : 'VOIDED';
        old.activeKey = null;
        old.correctionReason = reason;
        await tx.flush();
        let replacement: DoseRecordEntity | null = null;
        if (replacementDose) {
          replacement = await this.insertRecord(tx, person, replacementDose, old.facilityId, {
            supersedesId: old.id,
            correctionReason: reason,
          });
          old.supersededById = replacement.id;
          await tx.flush();
        }
        await publish(tx, 'immunization', DoseCorrected, person.id, {
          supersededDoseRecordId: old.id,
          superseded: dosePayload(old, person),
          reason,
          record: replacement ? dosePayload(replacement, person) : null,
        });
        // Same dose identity: the national resource is updated; another identity: the old one is voided there.
        const deliveries: DeliveryItem[] =
          replacement && replacement.dedupeKey === old.dedupeKey
            ? []
            : [{ dedupeKey: old.dedupeKey, personId: person.id, doseRecordId: null }];
        if (replacement) deliveries.push({ dedupeKey: replacement.dedupeKey, personId: person.id, doseRecordId: replacement.id });
        await enqueueDeliveries(tx, deliveries);
        await this.cards?.corrected(tx, person, old, replacement);
        return { superseded: old, replacement };
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw duplicate();
      throw error;
    }
  }

  /** KIPI against a dose; `canSee` enforces who may act for the dose's person. */
  async recordAdverseEvent(
    input: RecordAdverseEventInput,
    canSee: (personId: string | undefined) => Promise<void>,
  ): Promise<AdverseEventEntity> {
    immunizationPolicy.doseWork(this.claims, 'citizen', 'health-worker', 'admin');
    const mistakes = new FieldErrors();
    if (!SEVERITIES.includes(input.severity))
      mistakes.add('severity', { id: 'Tingkat harus NON_SERIOUS atau SERIOUS', en: 'Severity must be NON_SERIOUS or SERIOUS' });
    if (!OUTCOMES.includes(input.outcome))
      mistakes.add('outcome', { id: 'Hasil tidak dikenal', en: `Outcome must be one of ${OUTCOMES.join(', ')}` });
    const symptoms = input.symptoms.map((s) => s.trim()).filter(Boolean);
    if (symptoms.length === 0 || symptoms.length > 20 || symptoms.some((s) => s.length > 100 || s.includes('\n'))) {
      mistakes.add('symptoms', {
        id: 'Gejala wajib diisi (1-20, masing-masing maks. 100 karakter)',
        en: 'Symptoms are required (1-20, each at most 100 characters)',
      });
    }
    const onsetAt = mistakes.check(() => parseInstant(input.onsetAt, 'onsetAt'));
    const description = input.description?.trim() || null;
    if (description && description.length > 2000)
      mistakes.add('description', { id: 'Uraian terlalu panjang', en: 'Description is too long' });
    mistakes.throwIfAny();
    if (!onsetAt) throw new Error('unreachable: onsetAt checked above');
    return this.em.transactional(async (tx) => {
      const dose = isUuid(input.doseRecordId) ? await tx.findOne(DoseRecordEntity, { id: input.doseRecordId }) : null;
      await canSee(dose?.personId);
      if (!dose) throw notFound('Catatan dosis', 'doseRecordId');
      if (onsetAt.getTime() < dose.administeredAt.getTime())
        throw badInput('onsetAt', { id: 'Gejala tidak boleh mulai sebelum imunisasi', en: 'Onset cannot be before the dose was given' });
      const event = tx.create(AdverseEventEntity, {
        id: randomUUID(),
        doseRecordId: dose.id,
        personId: dose.personId,
        onsetAt,
        severity: input.severity,
        symptoms: symptoms.join('\n'),
        description,
        outcome: input.outcome,
        reportedBy: this.claims.sub ?? 'unknown',
        reporterRole: this.claims.role,
        createdAt: new Date(),
      });
      await tx.flush();
      return event;
    });
  }
}

/*
 * The operations the resolvers call: each decides access first through the policy, then runs the rule
 * (DoseService above, which background callers such as the demo seeder also use with their own claims).
 */

/** The caller's certificates issuer: recording and correcting issue and revoke cards in the dose's transaction. */
const cardsOf = (ctx: ImmunizationContext): Promise<CardIssuer> => CardIssuer.create(ctx.em, ctx.vault, ctx.settings.certificates);

/**
 * Records an administered dose at the health worker's own facility. The policy decides who (a health worker,
 * replays searched among their facility's entries only) and, once the dose is checked, where and why
 * (`immunizationPolicy.recordDose`: the person linked to the facility, the appointment theirs and of the day).
 */
export async function recordDose(ctx: ImmunizationContext, input: RecordDoseInput): Promise<DoseRecordEntity> {
  immunizationPolicy.recordDoseReplay(ctx.request.claims);
  const doses = new DoseService(ctx.em, ctx.request.claims, await cardsOf(ctx));
  return doses.recordDose(input, (dose) =>
    immunizationPolicy.recordDose(ctx, { ...dose, personId: input.personId, appointmentId: input.appointmentId, reason: input.reason }),
  );
}

/** Supersedes (or voids) a record, keeping both: health workers of the recording facility, or admins. */
export async function correctDose(
  ctx: ImmunizationContext,
  input: CorrectDoseInput,
): Promise<{ superseded: DoseRecordEntity; replacement: DoseRecordEntity | null }> {
  immunizationPolicy.doseWork(ctx.request.claims, 'health-worker', 'admin');
  return new DoseService(ctx.em, ctx.request.claims, await cardsOf(ctx)).correctDose(input);
}

/** KIPI against a dose, by who may act for the dose's person (decided once the dose is found). */
export async function recordAdverseEvent(ctx: ImmunizationContext, input: RecordAdverseEventInput): Promise<AdverseEventEntity> {
  immunizationPolicy.doseWork(ctx.request.claims, 'citizen', 'health-worker', 'admin');
  return new DoseService(ctx.em, ctx.request.claims).recordAdverseEvent(input, (personId) => immunizationPolicy.doseOwner(ctx, personId));
}

/** A person's dose records, oldest first (who may see the person). */
export async function doseRecordsOf(ctx: ImmunizationContext, personId: string): Promise<DoseRecordEntity[]> {
  await immunizationPolicy.person(ctx, personId);
  return ctx.loaders.dosesByPerson.load(personId);
}

/** Each of a person's dose records with its deliveries to the national systems (who may see the person). */
export async function deliveriesOf(
  ctx: ImmunizationContext,
  personId: string,
): Promise<{ record: DoseRecordEntity; deliveries: DeliveryRow[] }[]> {
  await immunizationPolicy.person(ctx, personId);
  const records = await ctx.loaders.dosesByPerson.load(personId);
  return Promise.all(records.map(async (record) => ({ record, deliveries: await ctx.loaders.deliveriesByRecord.load(record.id) })));
}

/** The dose records of the person holding a slip (NIK, birth date, slip code): public, every mismatch answers nothing. */
export async function doseRecordsBySlip(
  ctx: ImmunizationContext,
  slip: { nik: string; birthDate: string; slipCode: string },
): Promise<SlipDoseRecord[]> {
  immunizationPolicy.slipHolderLookup(ctx.request.claims);
  return slipRecords(ctx, slip);
}

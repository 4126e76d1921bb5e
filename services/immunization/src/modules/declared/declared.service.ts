import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError, badInput, FieldErrors, conflict, DoseDeclarationDecided, ErrorCode, notFound, publish } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { immunizationPolicy } from '../../policy.js';
import { CardIssuer } from '../certificate/certificate.issuer.js';
import { DoseRecordEntity } from '../dose/dose.entity.js';
import { findDose } from '../dose/dose.rules.js';
import { DoseService } from '../dose/dose.service.js';
import { PersonEntity } from '../person/person.entity.js';
import { isIsoDate, jakartaDate } from '../schedule/schedule.dates.js';
import * as declaredStore from './declared.store.js';
import type { DeclaredRow } from './declared.store.js';
import type { ConfirmDeclaredDoseInput, DeclarePastDoseInput } from './declared.type.js';
import { DeclaredDose } from './declared.type.js';

export type { DeclaredRow } from './declared.store.js';

export const toDeclaredDose = (r: DeclaredRow): DeclaredDose =>
  Object.assign(new DeclaredDose(), {
    id: r.id,
    personId: r.personId,
    programme: r.programme,
    doseKind: r.doseKind,
    givenOn: r.givenOn,
    place: r.place,
    lotNumber: r.lotNumber,
    status: r.status,
    doseRecordId: r.doseRecordId,
    rejectReason: r.rejectReason,
  });

const alreadyKnown = (): AppError =>
  new AppError(
    ErrorCode.DUPLICATE,
    { id: 'Dosis ini sudah tercatat atau sudah dilaporkan', en: 'This dose is already recorded or declared' },
    { field: 'doseKind' },
  );

/** A person's declared doses, all decisions included (who may see the person). */
export async function declaredDoses(ctx: ImmunizationContext, personId: string): Promise<DeclaredRow[]> {
  await immunizationPolicy.person(ctx, personId);
  return declaredStore.declaredOf(ctx.em, { personId });
}

/** A dose given elsewhere, declared by the person or a guardian (or an admin) for a person they see. */
export async function declarePastDose(ctx: ImmunizationContext, input: DeclarePastDoseInput): Promise<DeclaredRow> {
  const person = await immunizationPolicy.declareDose(ctx, input.personId);
  const { claims } = ctx.request;
  const mistakes = new FieldErrors();
  if (!findDose(input.programme, input.doseKind)) {
    mistakes.add('doseKind', {
      id: `Dosis ${input.doseKind} tidak dikenal dalam program ${input.programme}`,
      en: `Unknown dose ${input.doseKind} in programme ${input.programme}`,
    });
  }
  if (!isIsoDate(input.givenOn)) mistakes.add('givenOn', { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  else if (input.givenOn > jakartaDate(new Date()))
    mistakes.add('givenOn', { id: 'Tanggal tidak boleh di masa depan', en: 'The date cannot be in the future' });
  else if (input.givenOn < person.birthDate)
    mistakes.add('givenOn', { id: 'Tanggal sebelum tanggal lahir', en: 'The date is before the date of birth' });
  const place = input.place.trim().replace(/\s+/g, ' ');
  if (place.length < 2 || place.length > 200)
    mistakes.add('place', { id: 'Tempat harus 2 sampai 200 karakter', en: 'The place must be 2 to 200 characters' });
  const lot = input.lotNumber?.trim() || null;
  if (lot && lot.length > 40) mistakes.add('lotNumber', { id: 'Nomor batch maks. 40 karakter', en: 'Lot number is at most 40 characters' });
  mistakes.throwIfAny();
  try {
    return await ctx.em.transactional(async (tx) => {
      await tx.findOneOrFail(PersonEntity, { id: person.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const recorded = await tx.count(DoseRecordEntity, {
        personId: person.id,
        programme: input.programme,
        doseKind: input.doseKind,
        status: 'ACTIVE',
        valid: true,
      });
      if (recorded) throw alreadyKnown();
      const row = await declaredStore.insertDeclared(tx, {
        id: randomUUID(),
        personId: person.id,
        programme: input.programme,
        doseKind: input.doseKind,
        givenOn: input.givenOn,
        place,
        lotNumber: lot,
        declaredBy: claims.sub ?? claims.role,
        status: 'PENDING',
      });
      await declaredStore.publishDeclared(tx, row, person.nikHash ?? null);
      return row;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw alreadyKnown();
    throw error;
  }
}

const decided = (status: string): AppError =>
  conflict({ id: `Laporan dosis ini sudah ${status}`, en: `This declaration is already ${status}` }, { field: 'declaredDoseId', status });

/**
 * A health worker of the person's facility confirms a declaration from the evidence: it becomes a dose record
 * (source DECLARED) at their facility, with its certificates, in one transaction.
 */
export async function confirmDeclaredDose(ctx: ImmunizationContext, input: ConfirmDeclaredDoseInput): Promise<DeclaredRow> {
  immunizationPolicy.decideDeclaredBefore(ctx.request.claims, 'confirm');
  const found = await declaredStore.findDeclared(ctx.em, { id: input.declaredDoseId });
  const facilityId = (await immunizationPolicy.decideDeclared(ctx, found?.personId, 'confirm'))!;
  const row = found!;
  const { claims } = ctx.request;
  const cards = await CardIssuer.create(ctx.em, ctx.vault, ctx.settings.certificates);
  return ctx.em.transactional(async (tx) => {
    const person = await tx.findOneOrFail(PersonEntity, { id: row.personId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const current = await declaredStore.findDeclared(tx, { id: row.id, lock: true });
    if (!current) throw notFound('Laporan dosis', 'declaredDoseId');
    if (current.status !== 'PENDING') throw decided(current.status);
    const record = await new DoseService(tx, claims, cards).recordDeclared(
      tx,
      person,
      {
        programme: current.programme,
        doseKind: current.doseKind,
        productCode: input.productCode,
        lotNumber: input.lotNumber?.trim() || current.lotNumber || 'UNKNOWN',
        givenOn: current.givenOn,
      },
      facilityId,
    );
    const updated = await declaredStore.markConfirmed(tx, { id: row.id, decidedBy: claims.sub ?? claims.role, doseRecordId: record.id });
    await publish(tx, 'immunization', DoseDeclarationDecided, row.personId, {
      declaredDoseId: row.id,
      personId: row.personId,
      outcome: 'CONFIRMED',
    });
    return updated;
  });
}

/** A health worker of the person's facility (or an admin) rejects a declaration; it no longer counts. */
export async function rejectDeclaredDose(ctx: ImmunizationContext, declaredDoseId: string, reasonArg: string): Promise<DeclaredRow> {
  immunizationPolicy.decideDeclaredBefore(ctx.request.claims, 'reject');
  const found = await declaredStore.findDeclared(ctx.em, { id: declaredDoseId });
  await immunizationPolicy.decideDeclared(ctx, found?.personId, 'reject');
  const row = found!;
  const { claims } = ctx.request;
  const reason = reasonArg.trim();
  if (reason.length < 3 || reason.length > 500)
    throw badInput('reason', { id: 'Alasan wajib diisi (3-500 karakter)', en: 'A reason is required (3-500 characters)' });
  return ctx.em.transactional(async (tx) => {
    const updated = await declaredStore.rejectPending(tx, { id: row.id, decidedBy: claims.sub ?? claims.role, reason });
    if (!updated) throw decided(row.status === 'PENDING' ? 'diputuskan' : row.status);
    await publish(tx, 'immunization', DoseDeclarationDecided, row.personId, {
      declaredDoseId: row.id,
      personId: row.personId,
      outcome: 'REJECTED',
    });
    return updated;
  });
}

import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  badInput,
  conflict,
  DoseDeclarationDecided,
  DoseDeclared,
  ErrorCode,
  notFound,
  publish,
  type Claims,
} from '@victori/shared';
import { isUuid } from '../../loaders/loaders.js';
import { DoseRecordEntity } from '../dose/dose.entity.js';
import { findDose } from '../dose/dose.rules.js';
import { DoseService } from '../dose/dose.service.js';
import { PersonEntity } from '../person/person.entity.js';
import { isIsoDate, jakartaDate } from '../schedule/schedule.dates.js';
import type { ConfirmDeclaredDoseInput, DeclarePastDoseInput } from './declared.type.js';
import { DeclaredDose } from './declared.type.js';
import type { DoseCards } from '../certificate/certificate.issuer.js';

export interface DeclaredRow {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  given_on: string;
  place: string;
  lot_number: string | null;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'NATIONAL';
  dose_record_id: string | null;
  reject_reason: string | null;
}

const COLUMNS = `id, person_id, programme, dose_kind, given_on::text as given_on, place, lot_number, status, dose_record_id, reject_reason`;

export const toDeclaredDose = (r: DeclaredRow): DeclaredDose =>
  Object.assign(new DeclaredDose(), {
    id: r.id,
    personId: r.person_id,
    programme: r.programme,
    doseKind: r.dose_kind,
    givenOn: r.given_on,
    place: r.place,
    lotNumber: r.lot_number,
    status: r.status,
    doseRecordId: r.dose_record_id,
    rejectReason: r.reject_reason,
  });

const alreadyKnown = (): AppError =>
  new AppError(
    ErrorCode.DUPLICATE,
    { id: 'Dosis ini sudah tercatat atau sudah dilaporkan', en: 'This dose is already recorded or declared' },
    { field: 'doseKind' },
  );

/** Booking's eligibility counts the declaration (its dose_history projection); coverage does not consume it. */
export async function publishDeclared(tx: EntityManager, row: DeclaredRow, nikHash: string | null): Promise<void> {
  await publish(tx, 'immunization', DoseDeclared, row.person_id, {
    declaredDoseId: row.id,
    personId: row.person_id,
    nikHash,
    programme: row.programme,
    doseKind: row.dose_kind,
    givenOn: row.given_on,
    source: row.status === 'NATIONAL' ? 'NATIONAL' : 'DECLARED',
  });
}

/** Declarations still waiting for a health worker, and doses from the national record: they count in the forecast, never in coverage. */
export async function pendingDeclared(em: EntityManager, personId: string): Promise<DeclaredRow[]> {
  return em.execute<DeclaredRow[]>(`select ${COLUMNS} from declared_dose where person_id = ? and status in ('PENDING', 'NATIONAL')`, [
    personId,
  ]);
}

export async function declaredOf(em: EntityManager, personId: string): Promise<DeclaredRow[]> {
  return em.execute<DeclaredRow[]>(`select ${COLUMNS} from declared_dose where person_id = ? order by given_on, created_at`, [personId]);
}

/** The declaration, with its person's id, for the policy to decide on (null for a malformed or unknown id). */
export async function findDeclared(em: EntityManager, id: string): Promise<DeclaredRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await em.execute<DeclaredRow[]>(`select ${COLUMNS} from declared_dose where id = ?`, [id]);
  return row ?? null;
}

export async function declarePastDose(
  em: EntityManager,
  claims: Claims,
  person: PersonEntity,
  input: DeclarePastDoseInput,
): Promise<DeclaredRow> {
  if (!findDose(input.programme, input.doseKind)) {
    throw badInput('doseKind', {
      id: `Dosis ${input.doseKind} tidak dikenal dalam program ${input.programme}`,
      en: `Unknown dose ${input.doseKind} in programme ${input.programme}`,
    });
  }
  if (!isIsoDate(input.givenOn)) throw badInput('givenOn', { id: 'Tanggal harus YYYY-MM-DD', en: 'Date must be YYYY-MM-DD' });
  if (input.givenOn > jakartaDate(new Date()))
    throw badInput('givenOn', { id: 'Tanggal tidak boleh di masa depan', en: 'The date cannot be in the future' });
  if (input.givenOn < person.birthDate)
    throw badInput('givenOn', { id: 'Tanggal sebelum tanggal lahir', en: 'The date is before the date of birth' });
  const place = input.place.trim().replace(/\s+/g, ' ');
  if (place.length < 2 || place.length > 200)
    throw badInput('place', { id: 'Tempat harus 2 sampai 200 karakter', en: 'The place must be 2 to 200 characters' });
  const lot = input.lotNumber?.trim() || null;
  if (lot && lot.length > 40)
    throw badInput('lotNumber', { id: 'Nomor batch maks. 40 karakter', en: 'Lot number is at most 40 characters' });
  try {
    return await em.transactional(async (tx) => {
      await tx.findOneOrFail(PersonEntity, { id: person.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const recorded = await tx.count(DoseRecordEntity, {
        personId: person.id,
        programme: input.programme,
        doseKind: input.doseKind,
        status: 'ACTIVE',
        valid: true,
      });
      if (recorded) throw alreadyKnown();
      const [row] = await tx.execute<DeclaredRow[]>(
        `insert into declared_dose (id, person_id, programme, dose_kind, given_on, place, lot_number, declared_by)
         values (?, ?, ?, ?, ?::date, ?, ?, ?) returning ${COLUMNS}`,
        [randomUUID(), person.id, input.programme, input.doseKind, input.givenOn, place, lot, claims.sub ?? claims.role],
      );
      await publishDeclared(tx, row!, person.nikHash ?? null);
      return row!;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw alreadyKnown();
    throw error;
  }
}

const decided = (status: string): AppError =>
  conflict({ id: `Laporan dosis ini sudah ${status}`, en: `This declaration is already ${status}` }, { field: 'declaredDoseId', status });

/** `facilityId`: the policy's decision (the confirming health worker's facility records it). */
export async function confirmDeclared(
  em: EntityManager,
  claims: Claims,
  row: DeclaredRow,
  input: ConfirmDeclaredDoseInput,
  facilityId: string,
  cards?: DoseCards,
): Promise<DeclaredRow> {
  return em.transactional(async (tx) => {
    const person = await tx.findOneOrFail(PersonEntity, { id: row.person_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const [current] = await tx.execute<DeclaredRow[]>(`select ${COLUMNS} from declared_dose where id = ? for update`, [row.id]);
    if (!current) throw notFound('Laporan dosis', 'declaredDoseId');
    if (current.status !== 'PENDING') throw decided(current.status);
    const record = await new DoseService(tx, claims, cards).recordDeclared(
      tx,
      person,
      {
        programme: current.programme,
        doseKind: current.dose_kind,
        productCode: input.productCode,
        lotNumber: input.lotNumber?.trim() || current.lot_number || 'UNKNOWN',
        givenOn: current.given_on,
      },
      facilityId,
    );
    const [updated] = await tx.execute<DeclaredRow[]>(
      `update declared_dose set status = 'CONFIRMED', decided_by = ?, decided_at = now(), dose_record_id = ? where id = ? returning ${COLUMNS}`,
      [claims.sub ?? claims.role, record.id, row.id],
    );
    await publish(tx, 'immunization', DoseDeclarationDecided, row.person_id, {
      declaredDoseId: row.id,
      personId: row.person_id,
      outcome: 'CONFIRMED',
    });
    return updated!;
  });
}

export async function rejectDeclared(em: EntityManager, claims: Claims, row: DeclaredRow, reasonArg: string): Promise<DeclaredRow> {
  const reason = reasonArg.trim();
  if (reason.length < 3 || reason.length > 500)
    throw badInput('reason', { id: 'Alasan wajib diisi (3-500 karakter)', en: 'A reason is required (3-500 characters)' });
  return em.transactional(async (tx) => {
    const [updated] = await tx.execute<DeclaredRow[]>(
      `update declared_dose set status = 'REJECTED', decided_by = ?, decided_at = now(), reject_reason = ? where id = ? and status = 'PENDING' returning ${COLUMNS}`,
      [claims.sub ?? claims.role, reason, row.id],
    );
    if (!updated) throw decided(row.status === 'PENDING' ? 'diputuskan' : row.status);
    await publish(tx, 'immunization', DoseDeclarationDecided, row.person_id, {
      declaredDoseId: row.id,
      personId: row.person_id,
      outcome: 'REJECTED',
    });
    return updated;
  });
}

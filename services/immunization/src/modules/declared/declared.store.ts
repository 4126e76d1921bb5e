import type { EntityManager } from '@mikro-orm/postgresql';
import { DoseDeclared, publish, sql, sqlOne, isUuid } from '@victori/shared';

/** The declared dose aggregate's SQL (declared_dose): doses given elsewhere, declared or found in the national record. */

export type DeclaredStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'NATIONAL';

export interface DeclaredRow {
  id: string;
  personId: string;
  programme: string;
  doseKind: string;
  /** YYYY-MM-DD */
  givenOn: string;
  place: string;
  lotNumber: string | null;
  status: DeclaredStatus;
  doseRecordId: string | null;
  rejectReason: string | null;
}

interface Columns {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  given_on: string;
  place: string;
  lot_number: string | null;
  status: DeclaredStatus;
  dose_record_id: string | null;
  reject_reason: string | null;
}

const COLUMNS = `id, person_id, programme, dose_kind, given_on::text as given_on, place, lot_number, status, dose_record_id, reject_reason`;

const toRow = (r: Columns): DeclaredRow => ({
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

/** Declarations still waiting for a health worker, and doses from the national record. */
export async function pendingDeclared(em: EntityManager, a: { personId: string }): Promise<DeclaredRow[]> {
  const rows = await sql<Columns>(
    em,
    `select ${COLUMNS} from declared_dose where person_id = :personId and status in ('PENDING', 'NATIONAL')`,
    a,
  );
  return rows.map(toRow);
}

/** Every declaration of a person, all decisions included, in the order the doses were given. */
export async function declaredOf(em: EntityManager, a: { personId: string }): Promise<DeclaredRow[]> {
  const rows = await sql<Columns>(em, `select ${COLUMNS} from declared_dose where person_id = :personId order by given_on, created_at`, a);
  return rows.map(toRow);
}

/** One declaration (undefined for a malformed or unknown id); `lock` holds it until the transaction ends. */
export async function findDeclared(em: EntityManager, a: { id: string; lock?: boolean }): Promise<DeclaredRow | undefined> {
  if (!isUuid(a.id)) return undefined;
  const row = await sqlOne<Columns>(em, `select ${COLUMNS} from declared_dose where id = :id${a.lock ? ' for update' : ''}`, { id: a.id });
  return row && toRow(row);
}

export async function insertDeclared(
  tx: EntityManager,
  d: {
    id: string;
    personId: string;
    programme: string;
    doseKind: string;
    givenOn: string;
    place: string;
    lotNumber: string | null;
    declaredBy: string;
    status: 'PENDING' | 'NATIONAL';
  },
): Promise<DeclaredRow> {
  const row = await sqlOne<Columns>(
    tx,
    `insert into declared_dose (id, person_id, programme, dose_kind, given_on, place, lot_number, declared_by, status)
     values (:id, :personId, :programme, :doseKind, :givenOn::date, :place, :lotNumber, :declaredBy, :status) returning ${COLUMNS}`,
    d,
  );
  return toRow(row!);
}

/** A pending declaration confirmed as a dose record. */
export async function markConfirmed(tx: EntityManager, d: { id: string; decidedBy: string; doseRecordId: string }): Promise<DeclaredRow> {
  const row = await sqlOne<Columns>(
    tx,
    `update declared_dose set status = 'CONFIRMED', decided_by = :decidedBy, decided_at = now(), dose_record_id = :doseRecordId
      where id = :id returning ${COLUMNS}`,
    d,
  );
  return toRow(row!);
}

/** Rejects the declaration if it is still pending (one conditional statement); undefined when it was not. */
export async function rejectPending(
  tx: EntityManager,
  d: { id: string; decidedBy: string; reason: string },
): Promise<DeclaredRow | undefined> {
  const row = await sqlOne<Columns>(
    tx,
    `update declared_dose set status = 'REJECTED', decided_by = :decidedBy, decided_at = now(), reject_reason = :reason
      where id = :id and status = 'PENDING' returning ${COLUMNS}`,
    d,
  );
  return row && toRow(row);
}

/** DoseDeclared, in the declaration's transaction: booking's eligibility counts the declaration (its dose_history projection); coverage does not consume it. */
export async function publishDeclared(tx: EntityManager, row: DeclaredRow, nikHash: string | null): Promise<void> {
  await publish(tx, 'immunization', DoseDeclared, row.personId, {
    declaredDoseId: row.id,
    personId: row.personId,
    nikHash,
    programme: row.programme,
    doseKind: row.doseKind,
    givenOn: row.givenOn,
    source: row.status === 'NATIONAL' ? 'NATIONAL' : 'DECLARED',
  });
}

import { connectionOf, type Connection } from '@victori/shared';
import { facilityRef } from '../../external/facility.stub.js';
import { productRef } from '../../external/product.stub.js';
import { TARGETS, type DeliveryRow } from '../../satusehat/delivery.queue.js';
import type { AdverseEventEntity } from './adverse-event.entity.js';
import type { DoseRecordEntity } from './dose.entity.js';
import { AdverseEvent, DeliveryState, DoseRecord, NationalDelivery, NationalDeliveryProblem, NationalTarget } from './dose.type.js';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toDoseRecord(e: DoseRecordEntity): DoseRecord {
  return Object.assign(new DoseRecord(), {
    id: e.id,
    personId: e.personId,
    programme: e.programme,
    doseKind: e.doseKind,
    antigen: e.antigen,
    doseNumber: e.doseNumber,
    productCode: e.productCode,
    product: productRef(e.productCode),
    lotNumber: e.lotNumber,
    expirationDate: e.expirationDate ?? null,
    administeredAt: e.administeredAt.toISOString(),
    facility: facilityRef(e.facilityId),
    performerId: e.performerId,
    vaccinatorName: e.vaccinatorName ?? null,
    clientRecordId: e.clientRecordId ?? null,
    appointmentId: e.appointmentId ?? null,
    slipCode: e.slipCode ?? null,
    valid: e.valid,
    invalidReason: e.invalidReason ?? null,
    timing: e.timing ?? null,
    status: e.status,
    supersedesId: e.supersedesId ?? null,
    supersededById: e.supersededById ?? null,
    correctionReason: e.correctionReason ?? null,
    source: e.source,
    recordedAt: e.recordedAt.toISOString(),
  });
}

export function toDelivery(
  record: DoseRecordEntity,
  row: DeliveryRow | null,
  target: NationalTarget = NationalTarget.SATUSEHAT,
): NationalDelivery {
  if (record.status !== 'ACTIVE') {
    return Object.assign(new NationalDelivery(), { doseRecordId: record.id, target, state: DeliveryState.SUPERSEDED, attempts: 0 });
  }
  // The rows are written in the record's own transaction, so an active record always has them.
  const state = row ? DeliveryState[row.status] : DeliveryState.PENDING;
  return Object.assign(new NationalDelivery(), {
    doseRecordId: record.id,
    target: row ? NationalTarget[row.target] : target,
    state,
    problem: row?.problem ? NationalDeliveryProblem[row.problem] : null,
    attempts: row?.attempts ?? 0,
    lastError: row?.last_error ?? null,
    nextAttemptAt: state === DeliveryState.PENDING ? iso(row?.next_attempt_at) : null,
    deliveredAt: state === DeliveryState.DELIVERED ? iso(row?.delivered_at) : null,
    nationalId: row?.remote_id ?? null,
  });
}

/** One delivery per national target, in a stable order. */
export function toDeliveries(record: DoseRecordEntity, rows: DeliveryRow[]): NationalDelivery[] {
  return TARGETS.map((t) => toDelivery(record, rows.find((r) => r.target === t) ?? null, NationalTarget[t]));
}

export function toAdverseEvent(e: AdverseEventEntity): AdverseEvent {
  return Object.assign(new AdverseEvent(), {
    id: e.id,
    doseRecordId: e.doseRecordId,
    onsetAt: e.onsetAt.toISOString(),
    severity: e.severity,
    symptoms: e.symptoms.split('\n'),
    description: e.description ?? null,
    outcome: e.outcome,
    reportedAt: e.createdAt.toISOString(),
  });
}

/** Page of one person's dose records, oldest first (administered, then recorded, then id). */
export const doseRecordPage = <T>(
  rows: readonly DoseRecordEntity[],
  page: { first: number; after?: string | null; includeSuperseded: boolean },
  toNode: (row: DoseRecordEntity) => T,
): Connection<T> =>
  connectionOf(
    rows.filter((r) => page.includeSuperseded || r.status === 'ACTIVE'),
    { first: page.first, after: page.after, fallback: 50 },
    (r) => [r.administeredAt.getTime(), r.recordedAt.getTime(), r.id],
    [Number.isSafeInteger, Number.isSafeInteger, (v) => typeof v === 'string' && v.length <= 36],
    toNode,
  );

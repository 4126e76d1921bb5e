import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, checkNik, ErrorCode, notFound, type Claims, type PiiVault, isUuid } from '@victori/shared';
import { immunizationPolicy } from '../policy.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { TARGETS, type DeliveryRow, type Target } from './delivery.queue.js';
import * as deliveryStore from './delivery.store.js';
import * as satusehatStore from './satusehat.store.js';

export type BacklogRow = deliveryStore.BacklogRow;
export type PractitionerIdentityRow = satusehatStore.PractitionerIdentityRow;

/**
 * Booking's facility ids in SATUSEHAT (from facility.upserted). Deliveries that waited for them go again
 * at once: an admin registering the ids is the fix for FACILITY_NOT_REGISTERED.
 */
export async function rememberFacilityIds(
  tx: EntityManager,
  p: { facilityId: string; satusehatOrganizationId?: string | null; satusehatLocationId?: string | null },
): Promise<void> {
  immunizationPolicy.fromEvent();
  if (p.satusehatOrganizationId === undefined && p.satusehatLocationId === undefined) return;
  await satusehatStore.upsertFacilityIds(tx, {
    facilityId: p.facilityId,
    organizationId: p.satusehatOrganizationId ?? null,
    locationId: p.satusehatLocationId ?? null,
  });
  if (p.satusehatOrganizationId && p.satusehatLocationId) {
    await deliveryStore.requeueFacilityNotRegistered(tx, { facilityId: p.facilityId });
  }
}

/**
 * An admin registers a health worker's NIK for SATUSEHAT (staff accounts carry none): the IHS Practitioner
 * id is looked up by it at the next delivery and cached. The worker's records that waited go again.
 */
export async function registerPractitionerNik(
  em: EntityManager,
  claims: Claims,
  vault: PiiVault,
  accountId: string,
  nik: string,
): Promise<PractitionerIdentityRow> {
  immunizationPolicy.nationalIdentities(claims);
  const id = accountId.trim();
  const fields: { field: string; message: string; messageEn: string }[] = [];
  if (!id || id.length > 100)
    fields.push({
      field: 'accountId',
      message: 'Akun petugas wajib diisi (maks. 100)',
      messageEn: 'The staff account is required (max. 100)',
    });
  const checked = checkNik(nik);
  if (!checked.ok) fields.push({ field: 'nik', message: checked.message.id, messageEn: checked.message.en });
  if (fields.length) {
    const first = fields[0]!;
    throw new AppError(ErrorCode.BAD_USER_INPUT, { id: first.message, en: first.messageEn }, { field: first.field, fields });
  }
  return em.transactional(async (tx) => {
    const row = await satusehatStore.upsertPractitionerNik(tx, { accountId: id, nikEncrypted: vault.encrypt(nik) });
    await deliveryStore.requeuePractitionerNotFound(tx, { performerId: id });
    return row;
  });
}

/**
 * The desk retries a record that waits for a person (patient not found after the NIK was corrected, a
 * product code confirmed, ...): health workers of the recording facility, or admins. A patient not found
 * also forgets the person's cached IHS number, so the lookup runs again.
 */
export async function retryDelivery(
  em: EntityManager,
  claims: Claims,
  doseRecordId: string,
  target: Target | null,
): Promise<{ record: DoseRecordEntity; rows: DeliveryRow[] }> {
  immunizationPolicy.doseWork(claims, 'health-worker', 'admin');
  const record = isUuid(doseRecordId) ? await em.findOne(DoseRecordEntity, { id: doseRecordId }) : null;
  immunizationPolicy.correctDose(claims, record?.facilityId);
  if (!record) throw notFound('Catatan dosis', 'doseRecordId');
  const targets = target ? [target] : [...TARGETS];
  const rows = await em.transactional(async (tx) => {
    const failed = await deliveryStore.failedProblems(tx, { doseRecordId: record.id, targets });
    if (failed.length === 0) {
      throw badInput('doseRecordId', {
        id: 'Catatan ini tidak sedang menunggu perbaikan untuk dikirim',
        en: 'This record is not waiting for a fix to be delivered',
      });
    }
    if (failed.some((problem) => problem === 'PATIENT_NOT_FOUND')) {
      await satusehatStore.forgetPatientIhs(tx, { personId: record.personId });
    }
    await deliveryStore.requeueRecord(tx, { doseRecordId: record.id, targets });
    return deliveryStore.deliveriesOfRecords(tx, { doseRecordIds: [record.id] });
  });
  return { record, rows };
}

/**
 * What has not reached the national systems, per target, facility and reason: FAILED rows by the problem
 * a person must fix, PENDING rows as RETRYING (last attempt failed) or QUEUED.
 */
export async function deliveryBacklog(
  em: EntityManager,
  claims: Claims,
  filter: { target?: Target | null; facilityId?: string | null; reason?: string | null },
): Promise<BacklogRow[]> {
  immunizationPolicy.nationalBacklog(claims);
  if (filter.facilityId && !isUuid(filter.facilityId))
    throw badInput('facilityId', { id: 'Id fasilitas tidak valid', en: 'Invalid facility id' });
  return deliveryStore.backlog(em, { target: filter.target ?? null, facilityId: filter.facilityId ?? null, reason: filter.reason ?? null });
}

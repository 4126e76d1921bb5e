import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, checkNik, ErrorCode, notFound, type Claims, type PiiVault } from '@victori/shared';
import { immunizationPolicy } from '../policy.js';
import { DoseRecordEntity } from '../modules/dose/dose.entity.js';
import { isUuid } from '../loaders/loaders.js';
import type { DeliveryProblem } from './client.js';
import { TARGETS, type DeliveryRow, type Target } from './delivery.queue.js';

/**
 * Booking's facility ids in SATUSEHAT (from facility.upserted). Deliveries that waited for them go again
 * at once: an admin registering the ids is the fix for FACILITY_NOT_REGISTERED.
 */
export async function rememberFacilityIds(
  tx: EntityManager,
  p: { facilityId: string; satusehatOrganizationId?: string | null; satusehatLocationId?: string | null },
): Promise<void> {
  if (p.satusehatOrganizationId === undefined && p.satusehatLocationId === undefined) return;
  await tx.execute(
    `insert into satusehat_facility (facility_id, organization_id, location_id, updated_at) values (?, ?, ?, now())
     on conflict (facility_id) do update set organization_id = excluded.organization_id, location_id = excluded.location_id, updated_at = now()`,
    [p.facilityId, p.satusehatOrganizationId ?? null, p.satusehatLocationId ?? null],
  );
  if (p.satusehatOrganizationId && p.satusehatLocationId) {
    await requeue(tx, `problem = 'FACILITY_NOT_REGISTERED' and dose_record_id in (select id from dose_record where facility_id = ?)`, [
      p.facilityId,
    ]);
  }
}

/** FAILED rows matching `where` go back to PENDING now (a person fixed what they were waiting for). */
async function requeue(tx: EntityManager, where: string, params: unknown[]): Promise<number> {
  const rows = await tx.execute<{ id: string }[]>(
    `update national_delivery set status = 'PENDING', problem = null, last_error = null, attempts = 0, next_attempt_at = now(), updated_at = now()
     where status = 'FAILED' and ${where} returning id`,
    params,
  );
  return rows.length;
}

export interface PractitionerIdentityRow {
  account_id: string;
  ihs_id: string | null;
  looked_up_at: Date | null;
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
    const [row] = await tx.execute<PractitionerIdentityRow[]>(
      `insert into satusehat_practitioner (account_id, nik_encrypted, ihs_id, looked_up_at, updated_at) values (?, ?, null, null, now())
       on conflict (account_id) do update set nik_encrypted = excluded.nik_encrypted, ihs_id = null, looked_up_at = null, updated_at = now()
       returning account_id, ihs_id, looked_up_at`,
      [id, vault.encrypt(nik)],
    );
    await requeue(tx, `problem = 'PRACTITIONER_NOT_FOUND' and dose_record_id in (select id from dose_record where performer_id = ?)`, [id]);
    return row!;
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
    const failed = await tx.execute<{ problem: DeliveryProblem | null }[]>(
      `select problem from national_delivery where dose_record_id = ? and target in (?) and status = 'FAILED'`,
      [record.id, targets],
    );
    if (failed.length === 0) {
      throw badInput('doseRecordId', {
        id: 'Catatan ini tidak sedang menunggu perbaikan untuk dikirim',
        en: 'This record is not waiting for a fix to be delivered',
      });
    }
    if (failed.some((f) => f.problem === 'PATIENT_NOT_FOUND')) {
      await tx.execute(`update person set ihs_number = null where id = ?`, [record.personId]);
    }
    await requeue(tx, `dose_record_id = ? and target in (?)`, [record.id, targets]);
    return tx.execute<DeliveryRow[]>(`select * from national_delivery where dose_record_id = ? order by target`, [record.id]);
  });
  return { record, rows };
}

export interface BacklogRow {
  target: Target;
  facility_id: string | null;
  status: 'PENDING' | 'FAILED';
  reason: string;
  records: string;
  oldest: Date;
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
  return em.execute<BacklogRow[]>(
    `select * from (
       select d.target, r.facility_id, d.status,
              case when d.status = 'FAILED' then coalesce(d.problem, 'REJECTED')
                   when d.last_error is not null then 'RETRYING' else 'QUEUED' end as reason,
              count(*) as records, min(d.created_at) as oldest
         from national_delivery d left join dose_record r on r.id = d.dose_record_id
        where d.status in ('PENDING', 'FAILED') and (?::varchar is null or d.target = ?) and (?::uuid is null or r.facility_id = ?::uuid)
        group by 1, 2, 3, 4) b
     where ?::varchar is null or b.reason = ?
     order by target, records desc, facility_id`,
    [
      filter.target ?? null,
      filter.target ?? null,
      filter.facilityId ?? null,
      filter.facilityId ?? null,
      filter.reason ?? null,
      filter.reason ?? null,
    ],
  );
}

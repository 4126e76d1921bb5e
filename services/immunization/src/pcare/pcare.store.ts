import type { EntityManager } from '@mikro-orm/postgresql';
import { sql, sqlOne } from '@victori/shared';

/** BPJS PCare's visits as we keep them (national_visit, target PCARE): one registration per visit. */

/** The visit's row (created on its first dose, its last dose now); returns the registration's number, if any. */
export async function touchPcareVisit(em: EntityManager, a: { visitKey: string }): Promise<{ remoteId: string | null } | undefined> {
  const row = await sqlOne<{ remote_id: string | null }>(
    em,
    `insert into national_visit (target, visit_key, last_dose_at) values ('PCARE', :visitKey, now())
     on conflict (target, visit_key) do update set last_dose_at = now() returning remote_id`,
    a,
  );
  return row && { remoteId: row.remote_id };
}

/** PCare registered the visit (its noUrut): nothing is left to close. */
export async function savePcareRegistration(em: EntityManager, a: { visitKey: string; noUrut: string }): Promise<void> {
  await sql(
    em,
    `update national_visit set remote_id = :noUrut, status = 'FINISHED', finished_at = now() where target = 'PCARE' and visit_key = :visitKey`,
    a,
  );
}

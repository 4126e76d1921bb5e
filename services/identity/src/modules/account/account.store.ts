import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';
import type { AccountRow } from './account.rows.js';
import { AccountRole } from './account.type.js';

/** SQL of accounts (citizens by phone, staff by username). */

export async function accountById(em: EntityManager, id: string, lock = false): Promise<AccountRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await sql<AccountRow>(em, `select * from "account" where "id" = :id${lock ? ' for update' : ''}`, { id });
  return row;
}

export async function staffByUsername(em: EntityManager, username: string): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow>(em, `select * from "account" where lower("username") = :username and "password_hash" is not null`, {
    username,
  });
  return row;
}

/** Records the TOTP time step just used; false when it (or a later one) was used before. */
export async function useTotpStep(em: EntityManager, a: { id: string; step: number }): Promise<boolean> {
  const rows = await sql(
    em,
    `update "account" set "totp_last_step" = :step where "id" = :id and ("totp_last_step" is null or "totp_last_step" < :step) returning "id"`,
    a,
  );
  return rows.length > 0;
}

/** A new staff account; undefined when the username is taken. */
export async function insertStaff(
  em: EntityManager,
  a: { id: string; role: AccountRole; username: string; passwordHash: string; facilityId: string | null; displayName: string | null },
): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow>(
    em,
    `insert into "account" ("id", "role", "username", "password_hash", "facility_id", "display_name")
     values (:id, :role, :username, :passwordHash, :facilityId, :displayName)
     on conflict do nothing returning *`,
    a,
  );
  return row;
}

export async function setPendingTotp(em: EntityManager, a: { id: string; secretEncrypted: string }): Promise<void> {
  await sql(em, `update "account" set "totp_pending_encrypted" = :secretEncrypted where "id" = :id`, a);
}

export async function confirmPendingTotp(em: EntityManager, a: { id: string; step: number }): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow>(
    em,
    `update "account" set "totp_secret_encrypted" = "totp_pending_encrypted", "totp_pending_encrypted" = null, "totp_enabled" = true,
       "totp_last_step" = :step where "id" = :id returning *`,
    a,
  );
  return row;
}

/** The citizen account of a phone, made on its first sign-in. */
export async function citizenByPhone(
  tx: EntityManager,
  a: { newId: string; phoneHash: string; phoneEncrypted: string },
): Promise<AccountRow | undefined> {
  await sql(
    tx,
    `insert into "account" ("id", "role", "phone_hash", "phone_encrypted") values (:newId, :role, :phoneHash, :phoneEncrypted)
     on conflict ("phone_hash") where "phone_hash" is not null do nothing`,
    { ...a, role: AccountRole.CITIZEN },
  );
  const [row] = await sql<AccountRow>(tx, `select * from "account" where "phone_hash" = :phoneHash`, { phoneHash: a.phoneHash });
  return row;
}

/** Staff accounts (not citizens), by role and username. */
/** Staff accounts by role, username and id, a page at a time (`after`: the previous page's last key). */
export async function staffAccountRows(
  em: EntityManager,
  page: { limit: number; after?: [string, string, string] },
): Promise<AccountRow[]> {
  const after = page.after ? `and ("role", "username", "id") > (:afterRole, :afterUsername, :afterId::uuid)` : '';
  return sql<AccountRow>(
    em,
    `select * from "account" where "role" <> :citizen and "password_hash" is not null ${after}
      order by "role", "username", "id" limit :limit`,
    {
      citizen: AccountRole.CITIZEN,
      limit: page.limit,
      ...(page.after ? { afterRole: page.after[0], afterUsername: page.after[1], afterId: page.after[2] } : {}),
    },
  );
}

export async function countStaffAccounts(em: EntityManager): Promise<number> {
  const [row] = await sql<{ n: number }>(
    em,
    `select count(*)::int as n from "account" where "role" <> :citizen and "password_hash" is not null`,
    { citizen: AccountRole.CITIZEN },
  );
  return Number(row?.n ?? 0);
}

/** The facility's health workers who may sign in, by name: who can give a dose there (the desk's vaccinator list). */
export async function facilityHealthWorkers(em: EntityManager, a: { facilityId: string }): Promise<{ id: string; displayName: string }[]> {
  if (!/^[0-9a-f-]{36}$/i.test(a.facilityId)) return [];
  const rows = await sql<{ id: string; display_name: string | null; username: string }>(
    em,
    `select "id", "display_name", "username" from "account"
      where "role" = :role and "facility_id" = :facilityId and "active" and "password_hash" is not null
      order by coalesce("display_name", "username") limit 200`,
    { role: AccountRole.HEALTH_WORKER, facilityId: a.facilityId },
  );
  return rows.map((r) => ({ id: r.id, displayName: r.display_name ?? r.username }));
}

export async function updateStaff(
  tx: EntityManager,
  a: { id: string; role: AccountRole; facilityId: string | null; displayName: string | null; active: boolean },
): Promise<AccountRow | undefined> {
  const [row] = await sql<AccountRow>(
    tx,
    `update "account" set "role" = :role, "facility_id" = :facilityId, "display_name" = :displayName, "active" = :active where "id" = :id returning *`,
    a,
  );
  return row;
}

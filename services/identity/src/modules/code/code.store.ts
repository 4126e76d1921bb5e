import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/** SQL of sign-in codes (one live code per phone) and the development SMS outbox. */

export interface CodeRow {
  code_hash: string;
  expires_at: Date;
  sent_at: Date;
  wrong_tries: number;
  locked_until: Date | null;
}

/** One request at a time per phone (transaction-scoped): two taps on "send" must not both pass the resend throttle. */
export async function lockPhone(tx: EntityManager, phoneHash: string): Promise<void> {
  await sql(tx, `select pg_advisory_xact_lock(hashtext(:key))`, { key: `identity:code:${phoneHash}` });
}

export async function codeOf(tx: EntityManager, phoneHash: string, forUpdate = false): Promise<CodeRow | undefined> {
  const [row] = await sql<CodeRow>(tx, `select * from "sign_in_code" where "phone_hash" = :phoneHash${forUpdate ? ' for update' : ''}`, {
    phoneHash,
  });
  return row;
}

/** The phone's new code; the previous one stops working and its wrong tries and lock are forgotten. */
export async function replaceCode(
  tx: EntityManager,
  c: { phoneHash: string; codeHash: string; expiresAt: Date; sentAt: Date },
): Promise<void> {
  await sql(
    tx,
    `insert into "sign_in_code" ("phone_hash", "code_hash", "expires_at", "sent_at", "wrong_tries", "locked_until")
     values (:phoneHash, :codeHash, :expiresAt, :sentAt, 0, null)
     on conflict ("phone_hash") do update set "code_hash" = excluded."code_hash", "expires_at" = excluded."expires_at",
       "sent_at" = excluded."sent_at", "wrong_tries" = 0, "locked_until" = null`,
    c,
  );
}

export async function countWrongTry(tx: EntityManager, c: { phoneHash: string; tries: number; lockedUntil: Date | null }): Promise<void> {
  if (c.lockedUntil) {
    await sql(tx, `update "sign_in_code" set "wrong_tries" = :tries, "locked_until" = :lockedUntil where "phone_hash" = :phoneHash`, c);
  } else {
    await sql(tx, `update "sign_in_code" set "wrong_tries" = :tries where "phone_hash" = :phoneHash`, {
      tries: c.tries,
      phoneHash: c.phoneHash,
    });
  }
}

export async function deleteCode(tx: EntityManager, phoneHash: string): Promise<void> {
  await sql(tx, `delete from "sign_in_code" where "phone_hash" = :phoneHash`, { phoneHash });
}

export interface DevSmsRow {
  to_phone: string;
  text: string;
  sent_at: Date;
}

export async function devSmsTo(em: EntityManager, phoneHash: string): Promise<DevSmsRow[]> {
  return sql<DevSmsRow>(
    em,
    `select "to_phone", "text", "sent_at" from "dev_sms" where "phone_hash" = :phoneHash order by "sent_at" desc, "id" desc limit 20`,
    { phoneHash },
  );
}

export async function insertDevSms(em: EntityManager, m: { phoneHash: string; to: string; text: string }): Promise<void> {
  await sql(em, `insert into "dev_sms" ("phone_hash", "to_phone", "text") values (:phoneHash, :to, :text)`, m);
}

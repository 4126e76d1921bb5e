import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '@victori/shared';

/** SQL of the certificate module: cards, their revocation and the per-key revocation counters. */

export type CardKind = 'DOSE' | 'RECORD';
export type CardStatus = 'ACTIVE' | 'REPLACED' | 'REVOKED';

export interface CardRow {
  id: string;
  person_id: string;
  kind: CardKind;
  dose_record_id: string | null;
  dose_record_ids: string[];
  kid: string;
  rid: string;
  jws: string;
  status: CardStatus;
  issued_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  replaced_by_id: string | null;
}

const COLUMNS = `id, person_id, kind, dose_record_id, dose_record_ids::text[] as dose_record_ids, kid, rid, jws, status, issued_at,
  revoked_at, revoke_reason, replaced_by_id`;

export interface ValidDoseRow {
  id: string;
  programme: string;
  dose_kind: string;
  antigen: string;
  dose_number: number;
  product_code: string;
  lot_number: string;
  administered_at: Date;
  facility_id: string;
  source: string;
  /** A confirmed declared dose: where the family said it was given (the centre on the card). */
  declared_place: string | null;
}

export const certificateStore = {
  /** The person's active, valid dose records, oldest first (what a record card holds). */
  validDoses(tx: EntityManager, personId: string): Promise<ValidDoseRow[]> {
    return sql<ValidDoseRow>(
      tx,
      `select r.id, r.programme, r.dose_kind, r.antigen, r.dose_number, r.product_code, r.lot_number, r.administered_at, r.facility_id,
              r.source, case when r.source = 'DECLARED' then
                coalesce((select d.place from declared_dose d where d.dose_record_id = r.id limit 1),
                  -- While being confirmed, in the same transaction, the declaration is still PENDING (one per dose).
                  (select d.place from declared_dose d where d.person_id = r.person_id and d.programme = r.programme
                      and d.dose_kind = r.dose_kind and d.status = 'PENDING')) end as declared_place
         from dose_record r where r.person_id = :personId and r.status = 'ACTIVE' and r.valid order by r.administered_at, r.id`,
      { personId },
    );
  },

  /** Whether one of the person's active, valid doses has no dose card yet (imported or seeded history). */
  async hasUncarded(em: EntityManager, personId: string): Promise<boolean> {
    const rows = await sql<{ one: number }>(
      em,
      `select 1 as one from dose_record r where r.person_id = :personId and r.status = 'ACTIVE' and r.valid
         and not exists (select 1 from health_card c where c.dose_record_id = r.id and c.kind = 'DOSE') limit 1`,
      { personId },
    );
    return rows.length > 0;
  },

  /** The person's dose records that have a dose card (in any state). */
  async dosesWithCard(tx: EntityManager, personId: string): Promise<Set<string>> {
    const rows = await sql<{ id: string }>(
      tx,
      `select dose_record_id as id from health_card where person_id = :personId and kind = 'DOSE'`,
      {
        personId,
      },
    );
    return new Set(rows.map((r) => r.id));
  },

  /** Inserts a card; false when the dose already has one (issuing twice is a no-op). */
  async insert(tx: EntityManager, row: Omit<CardRow, 'status' | 'revoked_at' | 'revoke_reason' | 'replaced_by_id'>): Promise<boolean> {
    const inserted = await sql<{ id: string }>(
      tx,
      `insert into health_card (id, person_id, kind, dose_record_id, dose_record_ids, kid, rid, jws, issued_at)
         values (:id, :personId, :kind, :doseRecordId, :doseRecordIds::uuid[], :kid, :rid, :jws, :issuedAt) on conflict do nothing returning id`,
      {
        id: row.id,
        personId: row.person_id,
        kind: row.kind,
        doseRecordId: row.dose_record_id,
        doseRecordIds: `{${row.dose_record_ids.join(',')}}`,
        kid: row.kid,
        rid: row.rid,
        jws: row.jws,
        issuedAt: row.issued_at,
      },
    );
    return inserted.length === 1;
  },

  /** The person's active record card is replaced by a newer one (still true, so not revoked). */
  async replaceRecordCard(tx: EntityManager, personId: string): Promise<void> {
    await sql(tx, `update health_card set status = 'REPLACED' where person_id = :personId and kind = 'RECORD' and status = 'ACTIVE'`, {
      personId,
    });
  },

  /**
   * Revokes every card that carries the dose record (its dose card and each record card holding it) and
   * raises the revocation counter of each key concerned. Returns the revoked cards.
   */
  async revokeCarrying(tx: EntityManager, doseRecordId: string, reason: 'CORRECTED' | 'VOIDED'): Promise<CardRow[]> {
    const revoked = await sql<CardRow>(
      tx,
      `update health_card set status = 'REVOKED', revoked_at = now(), revoke_reason = :reason
         where :doseRecordId = any(dose_record_ids) and status <> 'REVOKED' returning ${COLUMNS}`,
      { reason, doseRecordId },
    );
    for (const kid of new Set(revoked.map((c) => c.kid))) {
      await sql(
        tx,
        `insert into health_card_crl (kid, ctr) values (:kid, 1) on conflict (kid) do update set ctr = health_card_crl.ctr + 1`,
        {
          kid,
        },
      );
    }
    return revoked;
  },

  async markReplacedBy(tx: EntityManager, ids: string[], replacementId: string): Promise<void> {
    if (ids.length === 0) return;
    await sql(tx, `update health_card set replaced_by_id = :replacementId where id = any(:ids::uuid[])`, {
      replacementId,
      ids: `{${ids.join(',')}}`,
    });
  },

  ofPerson(em: EntityManager, personId: string, includeRevoked: boolean): Promise<CardRow[]> {
    return sql<CardRow>(
      em,
      `select ${COLUMNS} from health_card where person_id = :personId ${includeRevoked ? '' : `and status = 'ACTIVE'`}
        order by kind desc, issued_at desc, id`,
      { personId },
    );
  },

  async byId(em: EntityManager, id: string): Promise<CardRow | undefined> {
    const [row] = await sql<CardRow>(em, `select ${COLUMNS} from health_card where id = :id`, { id });
    return row;
  },

  /** Per key: the revocation counter and the revoked cards' rids. */
  async revocationLists(em: EntityManager): Promise<{ kid: string; ctr: number; rids: string[] }[]> {
    const rows = await sql<{ kid: string; ctr: number; rids: string[] | null }>(
      em,
      `select c.kid, c.ctr, array(select rid from health_card h where h.kid = c.kid and h.status = 'REVOKED' order by rid)::text[] as rids
         from health_card_crl c order by c.kid`,
    );
    return rows.map((r) => ({ kid: r.kid, ctr: Number(r.ctr), rids: r.rids ?? [] }));
  },
};

/** The stored development issuer key (sealed with the PII key), oldest first. */
export async function storedIssuerKey(em: EntityManager): Promise<{ private_jwk_sealed: string } | undefined> {
  const rows = await sql<{ private_jwk_sealed: string }>(em, `select private_jwk_sealed from health_card_key order by created_at limit 1`);
  return rows[0];
}

/** Stores a first issuer key; two first uses at once: one key wins. */
export async function insertIssuerKey(em: EntityManager, kid: string, sealed: string): Promise<void> {
  await sql(em, `insert into health_card_key (kid, private_jwk_sealed) values (:kid, :sealed) on conflict do nothing`, { kid, sealed });
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { PiiVault } from '@victori/shared';
import type { DeliveryError } from './client.js';
import type { Target } from './delivery.queue.js';

/** A queue row claimed for one attempt. */
export interface Claimed {
  id: string;
  target: Target;
  dedupe_key: string;
  person_id: string;
  dose_record_id: string | null;
  version: number;
  remote_id: string | null;
  attempts: number;
  visit_key: string | null;
}

export interface RecordRow {
  id: string;
  person_id: string;
  programme: string;
  dose_kind: string;
  dose_number: number;
  product_code: string;
  lot_number: string;
  expiration_date: string | null;
  administered_at: Date;
  recorded_at: Date;
  facility_id: string;
  performer_id: string;
  valid: boolean;
  timing: string | null;
  source: string;
  dedupe_key: string;
}

export interface PersonRow {
  id: string;
  nik_encrypted: string | null;
  mother_nik_encrypted: string | null;
  full_name_encrypted: string;
  birth_date: string;
  sex: 'MALE' | 'FEMALE';
  residence_kelurahan_code: string;
  ihs_number: string | null;
}

/** One visit's rows for one target: delivered together, retried together. */
export interface VisitUnit {
  visitKey: string;
  person: PersonRow | undefined;
  /** Each claimed row with the record to send (the current one, or for a voided dose the last one sent). */
  items: { row: Claimed; record: RecordRow | undefined }[];
}

export type Outcome =
  | { kind: 'delivered'; remoteId: string | null }
  | { kind: 'failed'; error: DeliveryError }
  | { kind: 'not-applicable'; error: DeliveryError };

/** What a national target does with a visit; the worker owns claiming, outcomes, back-off and logs. */
export interface TargetDriver {
  readonly target: Target;
  /** One outcome per claimed row id; a thrown error applies to every row of the unit. */
  deliverVisit(em: EntityManager, unit: VisitUnit, vault: PiiVault): Promise<Map<string, Outcome>>;
  /** After a round: visits that ended get their closing step (SATUSEHAT finishes the Encounter). */
  afterRound?(em: EntityManager, vault: PiiVault): Promise<void>;
}

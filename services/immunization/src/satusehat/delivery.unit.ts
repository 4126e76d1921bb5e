import type { EntityManager } from '@mikro-orm/postgresql';
import type { PiiVault } from '@victori/shared';
import type { DeliveryError } from './client.js';
import type { Target } from './delivery.queue.js';

/** A queue row claimed for one attempt (delivery.store.ts claimDue). */
export interface Claimed {
  id: string;
  target: Target;
  dedupeKey: string;
  personId: string;
  doseRecordId: string | null;
  version: number;
  remoteId: string | null;
  attempts: number;
  visitKey: string | null;
}

/** The dose record to send under a key (delivery.store.ts recordsToSend). */
export interface RecordRow {
  id: string;
  personId: string;
  programme: string;
  doseKind: string;
  doseNumber: number;
  productCode: string;
  lotNumber: string;
  /** YYYY-MM-DD. */
  expirationDate: string | null;
  administeredAt: Date;
  recordedAt: Date;
  facilityId: string;
  performerId: string;
  valid: boolean;
  timing: string | null;
  source: string;
  dedupeKey: string;
}

/** The person of a visit, as far as delivery needs them (encrypted identifiers stay encrypted). */
export interface PersonRow {
  id: string;
  nikEncrypted: string | null;
  motherNikEncrypted: string | null;
  fullNameEncrypted: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  residenceKelurahanCode: string;
  ihsNumber: string | null;
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

import type { Client, CombinedError } from '@urql/core';
import { auth } from '../../auth.js';
import { DeskDoseRecords, DeskRecordDose } from './desk.operations.js';
import type { DeskDoseRecordsQuery } from './gql/graphql.js';
import { allEntries, patchEntry, type Entry, type EntryState, type ServerRecord } from './store.js';

type Listener = () => void;
const listeners = new Set<Listener>();
export const onEntriesChanged = (l: Listener): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
export const entriesChanged = (): void => {
  for (const l of listeners) l();
};

interface ApiError {
  code: string;
  message: string;
  messageEn?: string;
  field?: string;
  existingDoseRecordId?: string;
}

/**
 * The API's first typed error, or undefined for a network failure (the entry waits and is sent again) and for
 * anything that is not an API answer (IndexedDB closing with the tab, a thrown Error): those keep what is on
 * the device too.
 */
export function firstError(error: CombinedError | Error | undefined): ApiError | undefined {
  const g = (error as Partial<CombinedError> | undefined)?.graphQLErrors?.[0];
  if (!g) return undefined;
  const ext = (g.extensions ?? {}) as Record<string, unknown>;
  return {
    code: typeof ext.code === 'string' ? ext.code : 'INTERNAL_SERVER_ERROR',
    message: g.message,
    messageEn: typeof ext.messageEn === 'string' ? ext.messageEn : undefined,
    field: typeof ext.field === 'string' ? ext.field : undefined,
    existingDoseRecordId: typeof ext.existingDoseRecordId === 'string' ? ext.existingDoseRecordId : undefined,
  };
}

/**
 * What an answer means for an entry. Saved; the same dose already recorded (elsewhere, or this id used for
 * another dose) is a conflict the worker resolves; a refusal the worker can fix is needs-correction;
 * no answer (offline, a gateway that is down, a 5xx) leaves it waiting.
 */
export function stateFor(error: ApiError | undefined, networkFailed: boolean): EntryState {
  if (networkFailed || !error) return 'waiting';
  switch (error.code) {
    case 'DUPLICATE':
    case 'IDEMPOTENCY_CONFLICT':
      return 'conflict';
    case 'UNAUTHENTICATED':
    case 'OVERLOADED':
    case 'UNAVAILABLE':
    case 'SUBGRAPH_UNAVAILABLE':
    case 'INTERNAL_SERVER_ERROR':
      return 'waiting';
    default:
      return 'needs-correction';
  }
}

type ServerNode = DeskDoseRecordsQuery['doseRecords']['edges'][number]['node'];

/**
 * The record on the server an entry conflicts with, among the person's records: the one the error names, else
 * (an error that names none: two devices racing at the database's unique key) the active record of the same
 * programme and dose.
 */
export function conflictingRecord(nodes: readonly ServerNode[], input: Entry['input'], id: string | undefined): ServerNode | undefined {
  return (
    (id ? nodes.find((n) => n.id === id) : undefined) ??
    nodes.find((n) => n.status === 'ACTIVE' && n.programme === input.programme && n.doseKind === input.doseKind)
  );
}

/** The conflicting record as the entry shows it; only its id when the server's records cannot be read now. */
async function otherRecord(client: Client, entry: Entry, id: string | undefined): Promise<ServerRecord | undefined> {
  const r = await client.query(DeskDoseRecords, { personId: entry.input.personId }, { requestPolicy: 'network-only' }).toPromise();
  const found = conflictingRecord(
    (r.data?.doseRecords.edges ?? []).map((e) => e.node),
    entry.input,
    id,
  );
  if (found)
    return {
      id: found.id,
      lotNumber: found.lotNumber,
      productCode: found.productCode,
      administeredAt: found.administeredAt,
      vaccinatorName: found.vaccinatorName,
      facilityName: found.facility?.name ?? null,
      status: found.status,
    };
  return id ? { id, lotNumber: '?', productCode: '?', administeredAt: '' } : undefined;
}

/** Sends one entry; safe to repeat (the device's id makes the server replay the first answer). */
export async function sendEntry(client: Client, entry: Entry): Promise<Entry | undefined> {
  await patchEntry(entry.clientRecordId, { state: 'sending' });
  entriesChanged();
  const r = await client
    .mutation(DeskRecordDose, { input: { ...entry.input, clientRecordId: entry.clientRecordId } }, { requestPolicy: 'network-only' })
    .toPromise();
  const error = firstError(r.error);
  let next: Partial<Entry>;
  if (r.data?.recordDose) {
    const d = r.data.recordDose;
    next = {
      state: 'saved',
      error: undefined,
      saved: {
        id: d.id,
        lotNumber: d.lotNumber,
        productCode: d.productCode,
        administeredAt: d.administeredAt,
        vaccinatorName: d.vaccinatorName,
      },
    };
  } else {
    const state = stateFor(error, !!r.error?.networkError && !error);
    next = { state, error: error && { code: error.code, message: error.message, messageEn: error.messageEn, field: error.field } };
    if (state === 'conflict') next.other = await otherRecord(client, entry, error?.existingDoseRecordId);
  }
  const out = await patchEntry(entry.clientRecordId, next);
  entriesChanged();
  return out;
}

/** The run in progress (one at a time) and, per facility, the run asked for while it goes (not yet started). */
let current: Promise<void> = Promise.resolve();
const queued = new Map<string, Promise<void>>();

/**
 * Sends every waiting entry of the signed-in worker's facility in the order entered; one sender per browser
 * (a Web Lock across tabs). Another facility's worker signing in on a shared tablet sends nothing of it.
 * A call while a run goes is not dropped: one more run follows for that facility (an entry made meanwhile,
 * or another worker signed in meanwhile, is sent then, not only at the next timer). A run stops as soon as
 * the signed-in account changes, so no entry is sent under the next worker's name.
 */
export function syncAll(client: Client, facilityId: string | null | undefined): Promise<void> {
  if (!facilityId || !auth.current || (typeof navigator !== 'undefined' && navigator.onLine === false)) return Promise.resolve();
  const waiting = queued.get(facilityId);
  if (waiting) return waiting;
  const run = async (): Promise<void> => {
    queued.delete(facilityId);
    const account = auth.current?.account.id;
    if (!account) return;
    for (const entry of await allEntries(facilityId)) {
      if (auth.current?.account.id !== account) break;
      // 'sending' left by a closed tab is sent again: the server replays it if it arrived.
      if (entry.state !== 'waiting' && entry.state !== 'sending') continue;
      const after = await sendEntry(client, entry);
      if (after?.state === 'waiting') break; // no network: stop, try again when it is back
    }
  };
  const locked = (): Promise<void> =>
    typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('victori-desk-sync', run) : run();
  // A run that fails (IndexedDB closing with the tab, a thrown answer) leaves its entries waiting or sending:
  // the next run sends them again, so the failure is not the caller's (nor an unhandled rejection in the page).
  const next: Promise<void> = current
    .then(locked)
    .catch(() => undefined)
    .finally(() => {
      if (queued.get(facilityId) === next) queued.delete(facilityId);
    });
  queued.set(facilityId, next);
  current = next;
  return next;
}

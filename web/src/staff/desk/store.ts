import { createStore, del, entries, get, set, update } from 'idb-keyval';
import type {
  DeskDayQuery,
  DeskDueChildrenQuery,
  DeskLotsQuery,
  DeskSessionsQuery,
  DeskVaccinatorsQuery,
  RecordDoseInput,
} from './gql/graphql.js';

/**
 * What the desk keeps on the device, in IndexedDB (idb-keyval: two small object stores), so that a
 * posyandu morning survives a reload, a browser restart and signing out:
 * - packs: the day downloaded before going out (day list, sessions, the children of the kelurahan with doses
 *   due, the lots per product, the vaccinators), per facility and day;
 * - entries: every dose entered here, with the record id made on the device (recordDose's idempotency
 *   key) and its sending state. Entries are removed only by the worker (discarding a conflict).
 */
const packs = createStore('victori-desk-packs', 'packs');
const outbox = createStore('victori-desk-entries', 'entries');

export type DayAppointment = DeskDayQuery['facilityDayList'][number];
export type DaySession = DeskSessionsQuery['sessions']['edges'][number]['node'];
export type DueChild = DeskDueChildrenQuery['dueChildren'][number];
export type Vaccinator = DeskVaccinatorsQuery['facilityVaccinators'][number];
/** A product's lots as the day pack keeps them: the FEFO pick and the lots themselves (the connection's nodes). */
export type Lots = Omit<DeskLotsQuery, 'lots'> & { lots: DeskLotsQuery['lots']['edges'][number]['node'][] };

export interface DayPack {
  facilityId: string;
  date: string;
  facility: NonNullable<DeskDayQuery['facility']>;
  appointments: DayAppointment[];
  sessions: DaySession[];
  lots: Record<string, Lots>;
  /** Children of the facility's kelurahan with routine doses due on the day (absent in packs kept before). */
  dueChildren?: DueChild[];
  /** The facility's health workers by name: who can be named as the vaccinator. */
  vaccinators?: Vaccinator[];
  /** Check-ins made on this device while offline: the step moves on; the dose completes the visit on the server. */
  localCheckIns: string[];
  downloadedAt: string;
}

export type EntryState = 'waiting' | 'sending' | 'saved' | 'conflict' | 'needs-correction';

export interface ServerRecord {
  id: string;
  lotNumber: string;
  productCode: string;
  administeredAt: string;
  vaccinatorName?: string | null;
  facilityName?: string | null;
  status?: string;
}

export interface Entry {
  /** Made on the device (crypto.randomUUID): the dose record's idempotency key on the server. */
  clientRecordId: string;
  facilityId: string;
  createdAt: string;
  input: RecordDoseInput;
  /** What the list shows without asking the server. */
  label: { fullName: string; doseKind: string; slipCode?: string | null };
  state: EntryState;
  error?: { code: string; message: string; messageEn?: string; field?: string };
  saved?: ServerRecord;
  /** The record already on the server for the same person, programme and dose. */
  other?: ServerRecord;
  resolution?: 'kept-other' | 'replaced-other';
}

const packKey = (facilityId: string, date: string): string => `${facilityId}|${date}`;

export const savePack = (pack: DayPack): Promise<void> => set(packKey(pack.facilityId, pack.date), pack, packs);
export const loadPack = (facilityId: string, date: string): Promise<DayPack | undefined> => get(packKey(facilityId, date), packs);

export async function saveEntry(entry: Entry): Promise<void> {
  await set(entry.clientRecordId, entry, outbox);
}

/** Changes one entry atomically (one IndexedDB transaction), so two tabs never lose each other's state. */
export async function patchEntry(id: string, patch: Partial<Entry>): Promise<Entry | undefined> {
  let out: Entry | undefined;
  await update<Entry | undefined>(
    id,
    (old) => {
      out = old ? { ...old, ...patch } : undefined;
      return out;
    },
    outbox,
  );
  // idb-keyval's update writes whatever the updater returns: an entry removed meanwhile (discarded, or replaced
  // by its corrected copy) must not come back as an empty key.
  if (!out) await del(id, outbox);
  return out;
}

export const removeEntry = (id: string): Promise<void> => del(id, outbox);

export async function allEntries(facilityId?: string): Promise<Entry[]> {
  const all = (await entries<string, Entry | undefined>(outbox)).flatMap(([, e]) => (e ? [e] : []));
  return all.filter((e) => !facilityId || e.facilityId === facilityId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Entries not yet on the server (what signing out warns about). */
export const unsent = async (): Promise<Entry[]> => (await allEntries()).filter((e) => e.state !== 'saved' && !e.resolution);

/** Lot and vaccinator last used per product on this device: the next person's defaults. */
const DEFAULTS_KEY = 'victori.desk.defaults';
export interface ProductDefaults {
  lotNumber: string;
  expirationDate?: string | null;
  vaccinatorName: string;
}
export function productDefaults(): Record<string, ProductDefaults> {
  try {
    return JSON.parse(localStorage.getItem(DEFAULTS_KEY) ?? '{}') as Record<string, ProductDefaults>;
  } catch {
    return {};
  }
}
export function rememberDefaults(productCode: string, d: ProductDefaults): void {
  try {
    localStorage.setItem(DEFAULTS_KEY, JSON.stringify({ ...productDefaults(), [productCode]: d }));
  } catch {
    // Storage off: the worker picks again next time.
  }
}
export function knownVaccinators(): string[] {
  return [...new Set(Object.values(productDefaults()).map((d) => d.vaccinatorName))].filter(Boolean);
}

/** The facility the desk last worked for, so it opens offline without asking the server who is signed in. */
const FACILITY_KEY = 'victori.desk.facility';
export function lastFacility(): { id: string; name: string } | undefined {
  try {
    return JSON.parse(localStorage.getItem(FACILITY_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}
export function rememberFacility(f: { id: string; name: string }): void {
  try {
    localStorage.setItem(FACILITY_KEY, JSON.stringify(f));
  } catch {
    // Without storage the desk asks the server each time.
  }
}

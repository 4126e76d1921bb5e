import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  badInput,
  conflict,
  FieldErrors,
  findDose,
  notFound,
  publish,
  SessionChanged,
  SessionClosed,
  SessionOpened,
  type Claims,
} from '@victori/shared';
import type { BookingConfig } from '../../config.js';
import type { BookingContext } from '../../context.js';
import { transaction } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import { localNow, timeOf } from '../../time.js';
import { sessionOffers, type Offer } from '../appointment/visit-doses.store.js';
import { findFacility } from '../facility/facility.store.js';
import { sessionPayload, type SessionRow } from './session.rows.js';
import {
  capacity,
  checkSearch,
  decodeSessionCursor,
  doseKinds,
  moreProducts,
  planSlots,
  product,
  redistribute,
  schedule,
  schoolGrade,
} from './session.rules.js';
import * as store from './session.store.js';
import type { CreateSessionInput, SessionFilter, UpdateSessionInput } from './session.type.js';

// ---------------------------------------------------------------------------------------------
// Public reads

export interface SessionPage {
  rows: SessionRow[];
  totalCount: number;
  hasNextPage: boolean;
}

/** Sessions by date, start time and id, keyset-paginated: two statements whatever the page size. Public. */
export async function searchSessions(
  em: EntityManager,
  /** The public filter, plus one facility for `Facility.sessions`. */
  filter: SessionFilter & { facilityId?: string },
  first: number,
  after: string | undefined,
  /** Whether the caller selected totalCount (without it, one statement less). */
  count = true,
): Promise<SessionPage> {
  bookingPolicy.publicRead();
  checkSearch(filter, first);
  const now = filter.hasPlaces ? localNow() : undefined;
  const { rows, totalCount } = await store.searchSessions(em, {
    filter: {
      facilityId: filter.facilityId,
      kecamatanCode: filter.kecamatanCode,
      kelurahanCode: filter.kelurahanCode,
      dateFrom: filter.dateFrom,
      dateTo: filter.dateTo,
      programme: filter.programme,
      productCode: filter.productCode,
      productCodes: filter.productCodes,
      doseKind: filter.doseKind,
      hasPlacesAt: now && { date: now.date, time: timeOf(now.minutes) },
    },
    after: after ? decodeSessionCursor(after) : undefined,
    limit: first + 1,
    count,
  });
  return { rows: rows.slice(0, first), totalCount, hasNextPage: rows.length > first };
}

/** One session (through the request's loader); `field` names the argument in the not-found error. Public. */
export async function getSession(ctx: BookingContext, id: string, field = 'id'): Promise<SessionRow> {
  bookingPolicy.publicRead();
  const row = await ctx.loaders.session.load(id);
  if (!row) throw notFound('Sesi', field);
  return row;
}

/** Every product a session offers with the stock not yet promised, its main product first. Public. */
export async function offersOf(em: EntityManager, sessionId: string): Promise<Offer[]> {
  bookingPolicy.publicRead();
  return sessionOffers(em, sessionId);
}

// ---------------------------------------------------------------------------------------------
// Managing sessions (health workers of the facility, admins)

export async function createSession(em: EntityManager, claims: Claims, input: CreateSessionInput, config: BookingConfig): Promise<string> {
  bookingPolicy.openSession(claims, input.facilityId);
  const facility = await findFacility(em, input.facilityId);
  if (!facility?.active) throw notFound('Fasilitas', 'facilityId');
  if (config.requireSatusehatIds && (!facility.satusehatOrganizationId || !facility.satusehatLocationId)) {
    throw conflict(
      {
        id: 'Fasilitas ini belum memiliki ID Organization dan Location SATUSEHAT; dosisnya tidak akan sampai ke catatan nasional',
        en: 'This facility has no SATUSEHAT Organization and Location ids yet; its doses could not reach the national record',
      },
      { field: 'facilityId', reason: 'FACILITY_NOT_REGISTERED' },
    );
  }
  // The offer (product, programme, doses), the schedule and the capacity are checked independently: all mistakes at once.
  const mistakes = new FieldErrors();
  const offer = mistakes.check(() => {
    const p = product(input.productCode);
    const programme = input.programme ?? p.programme;
    const kinds = doseKinds(input.doseKinds, p);
    // A product may serve another programme's dose (the routine MR vial gives BIAS's MR-BIAS): the doses decide.
    if (programme !== p.programme && !kinds.every((k) => findDose(programme, k))) {
      throw badInput('programme', { id: `${p.name} termasuk program ${p.programme}`, en: `${p.name} belongs to programme ${p.programme}` });
    }
    const more = moreProducts(input.moreProducts ?? [], p, programme);
    const grade = schoolGrade(input.schoolGrade, programme, [...kinds, ...more.flatMap((m) => m.kinds)]);
    return { p, programme, kinds, more, grade };
  });
  const slotMinutes = input.slotMinutes ?? config.defaultSlotMinutes;
  mistakes.check(() => schedule(input.date, input.startTime, input.endTime, slotMinutes));
  const total = mistakes.check(() => capacity(input.capacity));
  mistakes.throwIfAny();
  if (!offer || total === undefined) throw new Error('unreachable: checked above');
  const { p, programme, kinds, more, grade } = offer;
  const plan = planSlots(input.startTime, input.endTime, slotMinutes, total);
  const id = randomUUID();
  await transaction(em, async (tx) => {
    const row = await store.insertSession(tx, {
      id,
      facilityId: facility.id,
      date: input.date,
      startTime: input.startTime,
      endTime: input.endTime,
      programme,
      productCode: p.code,
      doseKinds: kinds,
      capacity: total,
      schoolGrade: grade,
    });
    await store.insertSlots(tx, { sessionId: id, plan });
    await store.ensureCommitment(tx, { facilityId: facility.id, productCode: p.code });
    for (const m of more) {
      await store.insertSessionOffer(tx, { sessionId: id, productCode: m.code, doseKinds: m.kinds });
      await store.ensureCommitment(tx, { facilityId: facility.id, productCode: m.code });
    }
    await publish(tx, 'booking', SessionOpened, id, sessionPayload(row));
  });
  return id;
}

/** The open session a planner changes; the policy's 'before' decision was made by the caller (its first statement). */
async function sessionForManagement(em: EntityManager, claims: Claims, id: string): Promise<SessionRow> {
  const row = await store.findSession(em, id);
  bookingPolicy.facilityWork(claims, row, 'Sesi', 'id');
  if (!row) throw notFound('Sesi', 'id');
  if (row.status !== 'OPEN') throw sessionIsClosed();
  return row;
}

const sessionIsClosed = () => conflict({ id: 'Sesi sudah ditutup', en: 'The session is closed' }, { field: 'id' });

export async function updateSession(
  em: EntityManager,
  claims: Claims,
  id: string,
  input: UpdateSessionInput,
  config: BookingConfig,
): Promise<void> {
  bookingPolicy.facilityWork(claims, 'before', 'Sesi', 'id');
  const current = await sessionForManagement(em, claims, id);
  const mistakes = new FieldErrors();
  const offer = mistakes.check(() => {
    const p = product(input.productCode ?? current.product_code);
    const kinds = input.doseKinds ? doseKinds(input.doseKinds, p) : doseKinds(current.dose_kinds, p);
    // A school session stays a session for its grade.
    schoolGrade(current.school_grade, current.programme, kinds);
    return { p, kinds };
  });
  const structural =
    input.date != null || input.startTime != null || input.endTime != null || input.slotMinutes != null || input.productCode != null;
  const date = input.date ?? current.date;
  const startTime = input.startTime ?? current.start_time;
  const endTime = input.endTime ?? current.end_time;
  if (structural) mistakes.check(() => schedule(date, startTime, endTime, input.slotMinutes ?? config.defaultSlotMinutes));
  if (input.capacity != null) mistakes.check(() => capacity(input.capacity!));
  mistakes.throwIfAny();
  if (!offer) throw new Error('unreachable: checked above');
  const { p, kinds } = offer;

  await transaction(em, async (tx) => {
    // Slots before the session row: the same lock order as a booking decision.
    const slots = await store.lockSlots(tx, id);
    const locked = await store.lockSession(tx, id);
    if (locked?.status !== 'OPEN') throw sessionIsClosed();
    const held = await store.heldAppointments(tx, { sessionId: id, keptDoseKinds: kinds });
    if (held.removed > 0) {
      throw conflict(
        { id: 'Ada janji temu untuk jenis dosis yang akan dihapus', en: 'Live appointments exist for a dose kind being removed' },
        { field: 'doseKinds' },
      );
    }
    if (structural && (held.total > 0 || locked.booked > 0)) {
      throw conflict(
        {
          id: 'Tanggal, jam dan produk hanya dapat diubah selama belum ada pemesanan',
          en: 'Date, times and product can only change while nothing is booked',
        },
        { field: input.productCode != null ? 'productCode' : input.date != null ? 'date' : 'startTime' },
      );
    }
    const total = input.capacity ?? locked.capacity;
    if (total < locked.booked) {
      throw conflict(
        {
          id: `Kapasitas tidak boleh kurang dari ${locked.booked} tempat yang sudah dipesan`,
          en: `Capacity cannot go below the ${locked.booked} places already booked`,
        },
        { field: 'capacity', booked: locked.booked },
      );
    }
    if (structural) {
      await store.deleteSlots(tx, id);
      await store.insertSlots(tx, {
        sessionId: id,
        plan: planSlots(startTime, endTime, input.slotMinutes ?? config.defaultSlotMinutes, total),
      });
      await store.ensureCommitment(tx, { facilityId: current.facility_id, productCode: p.code });
    } else if (total !== locked.capacity) {
      await store.setSlotCapacities(tx, { slotIds: slots.map((s) => s.id), capacities: redistribute(total, slots) });
    }
    const row = await store.updateSessionRow(tx, {
      id,
      date,
      startTime,
      endTime,
      productCode: p.code,
      programme: p.programme,
      doseKinds: kinds,
      capacity: total,
    });
    await publish(tx, 'booking', SessionChanged, id, sessionPayload(row));
  });
}

/** Stops new bookings; appointments already made stay valid (check-in, completion, no-shows). */
export async function closeSession(em: EntityManager, claims: Claims, id: string): Promise<void> {
  bookingPolicy.facilityWork(claims, 'before', 'Sesi', 'id');
  await sessionForManagement(em, claims, id);
  await transaction(em, async (tx) => {
    const row = await store.closeOpenSession(tx, id);
    if (!row) throw sessionIsClosed();
    await publish(tx, 'booking', SessionClosed, id, sessionPayload(row));
  });
}

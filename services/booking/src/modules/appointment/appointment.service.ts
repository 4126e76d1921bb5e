import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AppError,
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentRescheduled,
  badInput,
  checkAll,
  conflict,
  decodeCursor,
  ErrorCode,
  notFound,
  pageSize,
  publish,
  toConnection,
  type Claims,
  type Connection,
} from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { transaction, violates } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import { localNow, minutesOf } from '../../time.js';
import { checkEligibility } from '../eligibility/eligibility.js';
import { appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import * as store from './appointment.store.js';
import { findStored, slotContext, type SlotContext } from './appointment.store.js';
import type { AppointmentVerificationInput, BookAppointmentInput } from './appointment.type.js';
import { idempotentRequest, replay, replayAfterRace, type IdempotentRequest } from './idempotency.js';
import { bookedPerson } from './dependant.js';
import { newSlipCode, normaliseSlipCode, type PersonFacts } from './person.validation.js';
import { rateLimited, type RateLimiter } from './rate-limit.js';
import { offeredProduct, planVisit, takeVisitDoses } from './visit-doses.js';
import { releaseVisitDoses, visitDoses, type AppointmentDoseRow } from './visit-doses.store.js';

export type { SlotContext } from './appointment.store.js';

export const sessionFull = (reason: 'CAPACITY' | 'STOCK'): AppError =>
  new AppError(
    ErrorCode.SESSION_FULL,
    reason === 'CAPACITY'
      ? { id: 'Slot ini sudah penuh; silakan pilih slot atau sesi lain', en: 'This slot is full; please choose another slot or session' }
      : { id: 'Stok vaksin untuk sesi ini sudah habis dipesan', en: 'All usable vaccine stock for this session is already booked' },
    { field: 'slotId', reason },
  );

const duplicate = (doseKind: string): AppError =>
  new AppError(
    ErrorCode.DUPLICATE,
    {
      id: `Orang ini sudah memiliki janji temu aktif untuk dosis ${doseKind}`,
      en: `This person already holds a live appointment for dose ${doseKind}`,
    },
    { field: 'nik' },
  );

const phoneLimit = (max: number): AppError =>
  conflict(
    {
      id: `Nomor HP ini sudah dipakai untuk ${max} janji temu aktif (batas keluarga)`,
      en: `This phone number already holds ${max} live appointments (family limit)`,
    },
    { field: 'phone', limit: max },
  );

const sessionClosed = (): AppError =>
  conflict({ id: 'Sesi ini sudah ditutup untuk pendaftaran', en: 'This session is closed for booking' }, { field: 'slotId' });

/** Slot open, not past, not past the same-day cut-off, dose kind served, person eligible. */
function assertBookable(ctx: BookingContext, s: SlotContext, doseKind: string, birthDate: string, sex: string): void {
  if (!s.slot_id) throw notFound('Slot', 'slotId');
  if (s.status !== 'OPEN') throw sessionClosed();
  const now = localNow();
  if (s.date < now.date) throw conflict({ id: 'Sesi ini sudah lewat', en: 'This session is in the past' }, { field: 'slotId' });
  if (s.date === now.date && (now.minutes >= minutesOf(ctx.config.sameDayCutoff) || now.minutes >= minutesOf(s.slot_start))) {
    throw conflict(
      {
        id: `Pendaftaran untuk hari ini ditutup pukul ${ctx.config.sameDayCutoff} WIB atau saat slot dimulai`,
        en: `Same-day booking closes at ${ctx.config.sameDayCutoff} WIB or when the slot starts`,
      },
      { field: 'slotId', cutoff: ctx.config.sameDayCutoff },
    );
  }
  if (!s.dose_kinds.includes(doseKind)) {
    throw badInput(
      'doseKind',
      { id: `Sesi ini tidak melayani dosis ${doseKind}`, en: `This session does not serve dose ${doseKind}` },
      { served: s.dose_kinds },
    );
  }
  const answer = checkEligibility({
    programme: s.programme,
    productCode: s.product_code,
    doseKind,
    sessionDate: s.date,
    birthDate,
    sex,
    history: s.doses,
    grade: s.school_grade,
  });
  if (!answer.ok) {
    throw new AppError(ErrorCode.NOT_ELIGIBLE, answer.message, {
      field: answer.field,
      rule: answer.rule,
      antigen: answer.antigen,
      doseKind,
      ...(answer.earliestDate ? { earliestDate: answer.earliestDate } : {}),
    });
  }
}

/** Maps a failed write to the business error, or replays when a racing retry with the same key won. */
async function explainFailure(em: EntityManager, error: unknown, req: IdempotentRequest, doseKind: string): Promise<AppointmentRow> {
  // A racing retry with the same key, or the same person racing themselves: if the winner carried this key, answer with its result.
  const replayed = await replayAfterRace(error, req, [KEY_TAKEN, ...ONE_LIVE_PER_DOSE], () => findStored(em, req));
  if (replayed) return replayed;
  if (violates(error, ONE_LIVE_PER_DOSE)) throw duplicate(doseKind);
  throw error;
}

const KEY_TAKEN = 'idempotency_key_pkey';
const ONE_LIVE_PER_DOSE = ['appointment_one_live_per_dose', 'appointment_dose_one_live'];

export async function bookAppointment(ctx: BookingContext, input: BookAppointmentInput): Promise<AppointmentRow> {
  bookingPolicy.book(ctx.request.claims);
  const req = idempotentRequest(ctx.request, 'bookAppointment', input);
  return ctx.limits.sameKey.run(req, () => decideBooking(ctx, input, req));
}

async function decideBooking(ctx: BookingContext, input: BookAppointmentInput, req: IdempotentRequest): Promise<AppointmentRow> {
  const claims = ctx.request.claims;
  const today = localNow().date;
  // A retry of a booking that was already made gets its result and does not count against any limit. The
  // stored result comes with the slot read below (no statement of its own on the way of every first
  // attempt); the limits counted before it are given back when it replays. A limit that refuses first
  // looks for the stored result before it answers (a refusal is rare, so is that look).
  const counted: [RateLimiter, string][] = [];
  const refund = async (): Promise<void> => {
    for (const [limiter, key] of counted) await limiter.give(key);
  };
  const storedReplay = async (): Promise<AppointmentRow | undefined> => {
    const replayed = req.key ? replay(req, await findStored(ctx.em, req)) : undefined;
    if (replayed) await refund();
    return replayed;
  };
  // Per-client limits next: refusing an abusive client costs no database work.
  const address = String(ctx.request.headers['x-forwarded-for'] ?? ctx.request.ip);
  const ipWait = await ctx.limits.perIp.take(address);
  counted.push([ctx.limits.perIp, address]);
  if (ipWait) {
    const replayed = await storedReplay();
    if (replayed) return replayed;
    throw rateLimited('client', ipWait);
  }
  let person: PersonFacts;
  try {
    person = await bookedPerson(ctx, input, today);
  } catch (error) {
    // The first answer stands even if the registry has changed since (a guardian link gone, say).
    const replayed = await storedReplay();
    if (replayed) return replayed;
    throw error;
  }
  const nikWait = await ctx.limits.perNik.take(person.nikHash);
  counted.push([ctx.limits.perNik, person.nikHash]);
  if (nikWait) {
    const replayed = await storedReplay();
    if (replayed) return replayed;
    throw rateLimited('nik', nikWait);
  }
  let doseKind = input.doseKind.trim();
  if (!doseKind) throw badInput('doseKind', { id: 'Jenis dosis wajib diisi', en: 'Dose kind is required' });
  let more = (input.moreDoseKinds ?? []).map((k) => k.trim());

  let s = await slotContext(ctx.em, input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind }, req);
  const replayed = replay(req, s.idem);
  if (replayed) {
    await refund();
    return replayed;
  }
  // One visit, several vaccines: the place and the queue number go with a dose of the session's main
  // product, whichever of the chosen doses the parent named first.
  const main = !s.slot_id || s.dose_kinds.includes(doseKind) ? undefined : more.find((k) => s.dose_kinds.includes(k));
  if (main) {
    more = [doseKind, ...more.filter((k) => k !== main)];
    doseKind = main;
    s = await slotContext(ctx.em, input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind }, req);
  }
  // A dose of another product the session offers carries the place when none of the main product is chosen.
  const offer = s.slot_id && !s.dose_kinds.includes(doseKind) ? await offeredProduct(ctx.em, s.session_id, doseKind) : undefined;
  assertBookable(ctx, offer ? { ...s, ...offer } : s, doseKind, person.birthDate, person.sex);
  if (s.has_live) throw duplicate(doseKind);
  const mainDose = { doseKind, productCode: offer?.product_code ?? s.product_code };
  const extras = more.length ? await planVisit(ctx.em, s, person, mainDose, more) : [];
  if (offer && offer.stock_free <= 0) throw sessionFull('STOCK');
  if ((s.phone_live ?? 0) >= ctx.config.maxPerPhone) throw phoneLimit(ctx.config.maxPerPhone);
  // Fast refusals in a storm: no transaction, no lock, when the read already shows no place.
  if (s.slot_booked >= s.slot_capacity) throw sessionFull('CAPACITY');
  if (!offer && s.stock_free <= 0) throw sessionFull('STOCK');

  const id = randomUUID();
  const slipCode = newSlipCode();
  try {
    const row = await transaction(ctx.em, async (tx) => {
      // The event first: it takes no lock, so the hot rows below are held only for one statement and the commit.
      await publish(
        tx,
        'booking',
        AppointmentBooked,
        id,
        appointmentPayload({
          id,
          session_id: s.session_id,
          slot_id: s.slot_id!,
          facility_id: s.facility_id,
          programme: s.programme,
          product_code: mainDose.productCode,
          dose_kind: doseKind,
          session_date: s.date,
          status: 'BOOKED',
          nik_hash: person.nikHash,
          walk_in: false,
        }),
      );
      // One atomic statement decides: a slot place, the queue number, a unit of stock, a phone-quota unit
      // and the appointment; each step only if the one before succeeded (conditional updates re-checked
      // against the latest row version under its lock, so concurrency can never overbook).
      const result = await store.book(tx, {
        s,
        person,
        doseKind,
        productCode: mainDose.productCode,
        id,
        slipCode,
        maxPerPhone: ctx.config.maxPerPhone,
        bookedBy: claims.role === 'citizen' ? (claims.sub ?? null) : null,
        req,
      });
      if (result?.appointment) {
        if (extras.length) await takeVisitDoses(tx, result.appointment, mainDose, extras);
        return result.appointment;
      }
      if (!result?.slot_ok) throw sessionFull('CAPACITY');
      if (!result.session_ok) throw sessionClosed();
      if (!result.stock_ok) throw sessionFull('STOCK');
      throw phoneLimit(ctx.config.maxPerPhone);
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    return explainFailure(ctx.em, error, req, doseKind);
  }
}

// ---------------------------------------------------------------------------------------------
// Managing one's appointment

/** The appointment, if the caller may act on it: who booked it (token), whoever holds its slip, its facility, admins. */
export async function appointmentForCaller(
  em: EntityManager,
  claims: Claims,
  vault: BookingContext['vault'],
  id: string,
  verification: AppointmentVerificationInput | undefined,
): Promise<AppointmentRow> {
  bookingPolicy.manageAppointment(claims);
  const row = await store.findAppointment(em, id);
  const holderProven = verification
    ? !!row && vault.hash(verification.nik.trim()) === row.nik_hash && normaliseSlipCode(verification.slipCode) === row.slip_code
    : undefined;
  bookingPolicy.appointment(claims, row, holderProven);
  return row!;
}

const changedMeanwhile = (): AppError =>
  conflict(
    { id: 'Janji temu baru saja diubah; silakan muat ulang', en: 'The appointment was just changed; please reload' },
    { field: 'id' },
  );

const onlyBooked = (row: AppointmentRow): AppError =>
  conflict(
    { id: `Janji temu berstatus ${row.status} tidak dapat diubah`, en: `An appointment with status ${row.status} cannot be changed` },
    { field: 'id', status: row.status },
  );

export async function cancelAppointment(
  ctx: BookingContext,
  id: string,
  verification?: AppointmentVerificationInput,
): Promise<AppointmentRow> {
  bookingPolicy.manageAppointment(ctx.request.claims);
  const req = idempotentRequest(ctx.request, 'cancelAppointment', { id });
  const stored = replay(req, await findStored(ctx.em, req));
  if (stored) return stored;
  const current = await appointmentForCaller(ctx.em, ctx.request.claims, ctx.vault, id, verification);
  if (current.status !== 'BOOKED') throw onlyBooked(current);
  try {
    const row = await transaction(ctx.em, async (tx) => {
      await publish(tx, 'booking', AppointmentCancelled, id, appointmentPayload({ ...current, status: 'CANCELLED' }));
      // Frees the place at once: slot, session, stock promise and the phone's family quota in one statement.
      const cancelled = await store.cancelBooked(tx, id, req);
      if (!cancelled) throw changedMeanwhile();
      await releaseVisitDoses(tx, [id], 'CANCELLED');
      return cancelled;
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const replayed = await replayAfterRace(error, req, [KEY_TAKEN], () => findStored(ctx.em, req));
    if (replayed) return replayed;
    throw error;
  }
}

/**
 * Moves a booked appointment to another slot atomically: the new place is taken first and the old one
 * freed in the same transaction, so a full target leaves the appointment where it was.
 */
export async function rescheduleAppointment(
  ctx: BookingContext,
  id: string,
  slotId: string,
  verification?: AppointmentVerificationInput,
): Promise<AppointmentRow> {
  bookingPolicy.manageAppointment(ctx.request.claims);
  const req = idempotentRequest(ctx.request, 'rescheduleAppointment', { id, slotId });
  const stored = replay(req, await findStored(ctx.em, req));
  if (stored) return stored;
  const current = await appointmentForCaller(ctx.em, ctx.request.claims, ctx.vault, id, verification);
  if (current.status !== 'BOOKED') throw onlyBooked(current);
  if (current.slot_id === slotId) throw badInput('slotId', { id: 'Ini slot yang sama', en: 'This is the same slot' });
  if ((await visitDoses(ctx.em, [id])).length) {
    // Each antigen holds stock of its own product at this facility; moving them all is a new booking.
    throw conflict(
      {
        id: 'Janji temu untuk beberapa vaksin tidak dapat dipindah; batalkan lalu pesan lagi',
        en: 'An appointment for several vaccines cannot be moved; cancel it and book again',
      },
      { field: 'id' },
    );
  }
  const s = await slotContext(
    ctx.em,
    slotId,
    { nikHash: current.nik_hash, phoneHash: null, doseKind: current.dose_kind, excludeAppointment: id },
    req,
  );
  assertBookable(ctx, s, current.dose_kind, current.birth_date, current.sex);
  if (s.programme !== current.programme) {
    throw badInput('slotId', { id: 'Sesi ini untuk program lain', en: 'This session belongs to another programme' });
  }
  if (s.slot_booked >= s.slot_capacity) throw sessionFull('CAPACITY');
  const sameStock = s.facility_id === current.facility_id && s.product_code === current.product_code;
  if (!sameStock && s.stock_free <= 0) throw sessionFull('STOCK');

  try {
    const row = await transaction(ctx.em, async (tx) => {
      const previous = {
        sessionId: current.session_id,
        slotId: current.slot_id,
        facilityId: current.facility_id,
        sessionDate: current.session_date,
      };
      const moved = {
        ...current,
        session_id: s.session_id,
        slot_id: s.slot_id!,
        facility_id: s.facility_id,
        product_code: s.product_code,
        session_date: s.date,
      };
      await publish(tx, 'booking', AppointmentRescheduled, id, appointmentPayload(moved, previous));
      if (!(await store.lockBookedIn(tx, { id, slotId: current.slot_id }))) throw changedMeanwhile();
      const queueNumber = await store.takePlace(tx, {
        slotId: s.slot_id!,
        sessionId: s.session_id,
        productCode: s.product_code,
        date: s.date,
      });
      if (queueNumber == null) throw sessionFull('CAPACITY');
      if (!sameStock) {
        if (!(await store.takeStockUnit(tx, { facilityId: s.facility_id, productCode: s.product_code }))) throw sessionFull('STOCK');
        await store.releaseStockUnit(tx, { facilityId: current.facility_id, productCode: current.product_code });
      }
      return store.moveAppointment(
        tx,
        {
          id,
          oldSlotId: current.slot_id,
          oldSessionId: current.session_id,
          sessionId: s.session_id,
          slotId: s.slot_id!,
          facilityId: s.facility_id,
          productCode: s.product_code,
          date: s.date,
          queueNumber,
        },
        req,
      );
    });
    ctx.events.relay.nudge();
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    return explainFailure(ctx.em, error, req, current.dose_kind);
  }
}

export async function myAppointments<T>(
  ctx: BookingContext,
  args: { nik?: string; birthDate?: string; slipCode?: string; first: number; after?: string | null; count?: boolean },
  toNode: (row: AppointmentRow) => T,
): Promise<Connection<T>> {
  const account = bookingPolicy.appointmentsLookup(ctx.request.claims, !!(args.nik || args.birthDate || args.slipCode));
  const size = pageSize(args.first, 20, 100);
  const after = args.after
    ? (decodeCursor(args.after, [
        (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
        (v) => typeof v === 'string' && /^-?\d{1,19}$/.test(v),
        (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
      ]) as [string, string, string])
    : undefined;
  let owner: store.AppointmentOwner;
  if (account === undefined) {
    // Every missing part at once (a form with three empty fields hears of three).
    checkAll(
      () => args.nik || fail('nik', { id: 'NIK wajib diisi', en: 'NIK is required' }),
      () => args.birthDate || fail('birthDate', { id: 'Tanggal lahir wajib diisi', en: 'Birth date is required' }),
      () => args.slipCode || fail('slipCode', { id: 'Kode slip wajib diisi', en: 'Slip code is required' }),
    );
    const nikHash = ctx.vault.hash(args.nik!.trim());
    // One answer for every mismatch, so the lookup reveals nothing about which part was wrong.
    if (!(await store.personHoldsSlip(ctx.em, { nikHash, slipCode: normaliseSlipCode(args.slipCode!), birthDate: args.birthDate! }))) {
      throw notFound('Janji temu', 'slipCode');
    }
    owner = { nikHash };
  } else owner = { account };
  // The count only when asked for (totalCount): a citizen's "my appointments" screen does not.
  const [rows, total] = await Promise.all([
    store.appointmentsPage(ctx.em, owner, { limit: size + 1, after }),
    args.count === false ? Number.NaN : store.countAppointments(ctx.em, owner),
  ]);
  return toConnection(rows, size, total, (r) => [r.session_date, r.cursor_micros, r.id], toNode);
}

const fail = (field: string, message: { id: string; en: string }): never => {
  throw badInput(field, message);
};

const SINGLE_DOSE_STATUS: Record<string, string> = { BOOKED: 'BOOKED', CHECKED_IN: 'BOOKED', COMPLETED: 'GIVEN' };

/** One antigen of an appointment and where it stands. */
export interface DoseOfAppointment {
  doseKind: string;
  productCode: string;
  status: string;
}

/**
 * The antigens of an appointment the caller already reads, each with its status; a single-antigen
 * appointment has no rows of its own and is its one dose. One statement per request for a whole list.
 */
export async function appointmentDoses(
  ctx: BookingContext,
  a: { id: string; doseKind: string; productCode: string; status: string },
): Promise<DoseOfAppointment[]> {
  bookingPolicy.appointmentField(ctx.request.claims);
  const rows: AppointmentDoseRow[] = await ctx.loaders.appointmentDoses.load(a.id);
  if (rows.length === 0) return [{ doseKind: a.doseKind, productCode: a.productCode, status: SINGLE_DOSE_STATUS[a.status] ?? a.status }];
  return rows.map((r) => ({ doseKind: r.dose_kind, productCode: r.product_code, status: r.status }));
}

/** The registry id of the person behind an appointment, for those given the link (bookingPolicy.personLink); null otherwise or while unregistered. */
export async function appointmentPerson(ctx: BookingContext, identityKey: string): Promise<string | null> {
  const linked = bookingPolicy.personLink(ctx.request.claims);
  if (!linked) return null;
  return ctx.loaders.registryPerson.load(identityKey);
}

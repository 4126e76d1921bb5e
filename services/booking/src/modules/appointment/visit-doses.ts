import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, AppointmentCompleted, badInput, ErrorCode, publish } from '@victori/shared';
import { checkEligibility, type DoseFact } from '../eligibility/eligibility.js';
import { appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import { takeStockUnit } from './appointment.store.js';
import * as store from './visit-doses.store.js';

/**
 * One visit, several vaccines (issue 15, item 3). The appointment row keeps one place, one queue number
 * and one slip code; a multi-antigen appointment also has one `appointment_dose` row per antigen, and each
 * row holds its own unit of its product's stock until the dose is given, marked not given, or the visit is
 * cancelled or missed. Single-antigen appointments have no such rows and keep their old path.
 *
 * The rules of the visit, used by the booking and desk services (which decide access) and by the
 * immunization-event consumer; the SQL is in visit-doses.store.ts.
 */

export interface VisitDose {
  doseKind: string;
  productCode: string;
}

/** The further product of the session serving this dose, if any (not the main product). */
export async function offeredProduct(em: EntityManager, sessionId: string, doseKind: string): Promise<store.Offer | undefined> {
  const offers = await store.sessionOffers(em, sessionId);
  return offers.slice(1).find((o) => o.dose_kinds.includes(doseKind));
}

const notOffered = (doseKind: string): AppError =>
  badInput(
    'moreDoseKinds',
    { id: `Sesi ini tidak melayani dosis ${doseKind}`, en: `This session does not serve dose ${doseKind}` },
    { doseKind },
  );

const noStockFor = (doseKind: string): AppError =>
  new AppError(
    ErrorCode.SESSION_FULL,
    {
      id: `Stok vaksin untuk dosis ${doseKind} di sesi ini sudah habis dipesan`,
      en: `All usable stock for dose ${doseKind} in this session is booked`,
    },
    { field: 'moreDoseKinds', reason: 'STOCK', doseKind },
  );

/**
 * The further antigens of one visit, checked before any write: each offered by the session, each eligible
 * on the visit date (the same schedule evaluation as a single booking), none already held live, each with
 * usable stock left. The main dose (input doseKind) is checked by the single-booking path.
 */
export async function planVisit(
  em: EntityManager,
  s: { session_id: string; programme: string; date: string; doses: DoseFact[]; school_grade: number | null },
  person: { nikHash: string; birthDate: string; sex: string },
  mainDose: VisitDose,
  more: readonly string[],
): Promise<VisitDose[]> {
  const kinds = [...new Set(more.map((k) => k.trim()).filter((k) => k && k !== mainDose.doseKind))];
  if (kinds.length === 0) return [];
  if (kinds.length > 10) throw badInput('moreDoseKinds', { id: 'Paling banyak 10 dosis per kunjungan', en: 'At most 10 doses per visit' });
  const offers = await store.sessionOffers(em, s.session_id);
  const extras: VisitDose[] = [];
  for (const doseKind of kinds) {
    const offer = offers.find((o) => o.dose_kinds.includes(doseKind));
    if (!offer) throw notOffered(doseKind);
    const answer = checkEligibility({
      programme: s.programme,
      productCode: offer.product_code,
      doseKind,
      sessionDate: s.date,
      birthDate: person.birthDate,
      sex: person.sex,
      history: s.doses,
      grade: s.school_grade,
    });
    if (!answer.ok) {
      throw new AppError(ErrorCode.NOT_ELIGIBLE, answer.message, {
        field: 'moreDoseKinds',
        rule: answer.rule,
        antigen: answer.antigen,
        doseKind,
        ...(answer.earliestDate ? { earliestDate: answer.earliestDate } : {}),
      });
    }
    const sameProduct =
      extras.filter((e) => e.productCode === offer.product_code).length + (mainDose.productCode === offer.product_code ? 1 : 0);
    if (offer.stock_free <= sameProduct) throw noStockFor(doseKind);
    extras.push({ doseKind, productCode: offer.product_code });
  }
  const [live] = await store.liveDoseKinds(em, { nikHash: person.nikHash, programme: s.programme, doseKinds: kinds });
  if (live !== undefined) {
    throw new AppError(
      ErrorCode.DUPLICATE,
      {
        id: `Orang ini sudah memiliki janji temu aktif untuk dosis ${live}`,
        en: `This person already holds a live appointment for dose ${live}`,
      },
      { field: 'moreDoseKinds', doseKind: live },
    );
  }
  return extras;
}

/**
 * Inside the booking transaction, after the single-booking statement took the place, the queue number and
 * the main dose's stock: one unit of stock per further antigen (conditional, so concurrent bookings never
 * promise more than the usable doses), then one row per antigen of the visit. Any refusal rolls back all.
 */
export async function takeVisitDoses(
  tx: EntityManager,
  a: { id: string; facility_id: string; nik_hash: string; programme: string },
  mainDose: VisitDose,
  extras: VisitDose[],
): Promise<void> {
  // A fixed order over products, so two visits taking the same products never wait on each other crosswise.
  for (const e of [...extras].sort((x, y) => x.productCode.localeCompare(y.productCode))) {
    if (!(await takeStockUnit(tx, { facilityId: a.facility_id, productCode: e.productCode }))) throw noStockFor(e.doseKind);
  }
  await store.insertVisitDoses(tx, { appointmentId: a.id, doses: [mainDose, ...extras], nikHash: a.nik_hash, programme: a.programme });
}

/**
 * A dose recorded for a multi-antigen appointment (slip code matching, at its facility): that antigen is
 * GIVEN and its stock unit released; the visit completes once no antigen is still BOOKED. Returns false
 * for a single-antigen appointment, which the caller completes as before.
 */
export async function recordVisitDose(
  tx: EntityManager,
  d: { appointmentId: string; slipCode: string; facilityId: string; doseKind: string; doseRecordId: string; administeredAt: string },
  identity: { nikHash: string | null; registryKey: string },
): Promise<boolean> {
  if (!(await store.countVisitDoses(tx, d.appointmentId))) return false;
  await store.giveVisitDose(tx, {
    appointmentId: d.appointmentId,
    slipCode: d.slipCode.trim().toUpperCase(),
    facilityId: d.facilityId,
    doseKind: d.doseKind,
    doseRecordId: d.doseRecordId,
    nikHash: identity.nikHash,
    registryKey: identity.registryKey,
  });
  await finishVisit(tx, d.appointmentId, d.administeredAt, d.doseRecordId);
  return true;
}

/** Completes the visit when every antigen is GIVEN or NOT_GIVEN (and announces it); undefined while something is left to give. */
export async function finishVisit(
  tx: EntityManager,
  appointmentId: string,
  at: string,
  doseRecordId: string | null,
): Promise<AppointmentRow | undefined> {
  const row = await store.completeVisit(tx, { appointmentId, at, doseRecordId });
  if (row) await publish(tx, 'booking', AppointmentCompleted, row.id, appointmentPayload(row));
  return row;
}

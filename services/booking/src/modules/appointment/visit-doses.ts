import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, AppointmentCompleted, badInput, conflict, ErrorCode, notFound, pgArray, publish } from '@victori/shared';
import type { BookingContext } from '../../context.js';
import { transaction } from '../../db.js';
import { bookingPolicy } from '../../policy.js';
import { checkEligibility, type DoseFact } from '../eligibility/eligibility.js';
import { isUuid } from '../facility/facility.loader.js';
import { APPOINTMENT_COLUMNS, appointmentColumns, appointmentPayload, type AppointmentRow } from './appointment.rows.js';
import { normaliseSlipCode } from './person.validation.js';

/**
 * One visit, several vaccines (issue 15, item 3). The appointment row keeps one place, one queue number
 * and one slip code; a multi-antigen appointment also has one `appointment_dose` row per antigen, and each
 * row holds its own unit of its product's stock until the dose is given, marked not given, or the visit is
 * cancelled or missed. Single-antigen appointments have no such rows and keep their old path.
 */

/** A product the session offers, with the stock not yet promised at its facility. */
export interface Offer {
  product_code: string;
  dose_kinds: string[];
  stock_free: number;
}

export interface VisitDose {
  doseKind: string;
  productCode: string;
}

export interface AppointmentDoseRow {
  appointment_id: string;
  dose_kind: string;
  product_code: string;
  status: string;
}

/** Every product a session offers, its main product first. */
export async function sessionOffers(em: EntityManager, sessionId: string): Promise<Offer[]> {
  return em.execute<Offer[]>(
    `select o.product_code, o.dose_kinds, greatest(0, coalesce(l.usable_doses, 0) - coalesce(c.committed, 0))::int as stock_free
       from (select s.product_code, s.dose_kinds, s.facility_id, 0 as ord from session s where s.id = ?
             union all
             select so.product_code, so.dose_kinds, s.facility_id, 1 from session_offer so join session s on s.id = so.session_id where so.session_id = ?) o
       left join stock_level l on l.facility_id = o.facility_id and l.product_code = o.product_code
       left join stock_commitment c on c.facility_id = o.facility_id and c.product_code = o.product_code
      order by o.ord, o.product_code`,
    [sessionId, sessionId],
  );
}

/** The further product of the session serving this dose, if any (not the main product). */
export async function offeredProduct(em: EntityManager, sessionId: string, doseKind: string): Promise<Offer | undefined> {
  const offers = await sessionOffers(em, sessionId);
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
  const offers = await sessionOffers(em, s.session_id);
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
  const live = await em.execute<{ dose_kind: string }[]>(
    `select dose_kind from appointment where nik_hash = ? and programme = ? and dose_kind = any(?::text[]) and status in ('BOOKED', 'CHECKED_IN')
     union select dose_kind from appointment_dose where nik_hash = ? and programme = ? and dose_kind = any(?::text[]) and status = 'BOOKED'`,
    [person.nikHash, s.programme, pgArray(kinds), person.nikHash, s.programme, pgArray(kinds)],
  );
  if (live[0]) {
    throw new AppError(
      ErrorCode.DUPLICATE,
      {
        id: `Orang ini sudah memiliki janji temu aktif untuk dosis ${live[0].dose_kind}`,
        en: `This person already holds a live appointment for dose ${live[0].dose_kind}`,
      },
      { field: 'moreDoseKinds', doseKind: live[0].dose_kind },
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
    const took = await tx.execute<{ ok: number }[]>(
      `update stock_commitment c set committed = c.committed + 1
        where c.facility_id = ? and c.product_code = ?
          and c.committed < coalesce((select l.usable_doses from stock_level l where l.facility_id = c.facility_id and l.product_code = c.product_code), 0)
       returning 1 as ok`,
      [a.facility_id, e.productCode],
    );
    if (took.length === 0) throw noStockFor(e.doseKind);
  }
  const all = [mainDose, ...extras];
  await tx.execute(
    `insert into appointment_dose (appointment_id, dose_kind, product_code, nik_hash, programme)
     select ?, unnest(?::text[]), unnest(?::text[]), ?, ?`,
    [a.id, pgArray(all.map((d) => d.doseKind)), pgArray(all.map((d) => d.productCode)), a.nik_hash, a.programme],
  );
}

/** The antigens of these appointments (multi-antigen ones only), in booking order of dose kind. */
export async function visitDoses(em: EntityManager, appointmentIds: string[]): Promise<AppointmentDoseRow[]> {
  if (appointmentIds.length === 0) return [];
  return em.execute<AppointmentDoseRow[]>(
    `select appointment_id, dose_kind, product_code, status from appointment_dose where appointment_id = any(?::uuid[]) order by dose_kind`,
    [pgArray(appointmentIds)],
  );
}

/**
 * Frees the stock of the antigens still BOOKED on these appointments (cancelled, missed). Callers exclude
 * multi-antigen appointments from their own one-unit release: each antigen's unit is released here once.
 */
export async function releaseVisitDoses(tx: EntityManager, appointmentIds: string[], status: 'CANCELLED' | 'NO_SHOW'): Promise<void> {
  if (appointmentIds.length === 0) return;
  await tx.execute(
    `with d as (
       update appointment_dose d set status = ? from appointment a
        where a.id = d.appointment_id and d.appointment_id = any(?::uuid[]) and d.status = 'BOOKED'
       returning a.facility_id, d.product_code
     )
     update stock_commitment c set committed = c.committed - x.n
       from (select facility_id, product_code, count(*)::int as n from d group by facility_id, product_code) x
      where c.facility_id = x.facility_id and c.product_code = x.product_code`,
    [status, pgArray(appointmentIds)],
  );
}

/** SQL for "this appointment's stock is held per antigen" (used to skip the single-antigen release). */
export const HOLDS_PER_DOSE = (appointmentIdSql: string): string =>
  `exists (select 1 from appointment_dose vd where vd.appointment_id = ${appointmentIdSql})`;

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
  const [multi] = await tx.execute<{ n: number }[]>(`select count(*)::int as n from appointment_dose where appointment_id = ?`, [
    d.appointmentId,
  ]);
  if (!multi?.n) return false;
  await tx.execute(
    `with a as (
       select id, facility_id from appointment
        where id = ? and slip_code = ? and facility_id = ? and status in ('BOOKED', 'CHECKED_IN') and (?::text is null or nik_hash = ? or nik_hash = ?)
     ), dose as (
       update appointment_dose set status = 'GIVEN', dose_record_id = ?
        where appointment_id = (select id from a) and dose_kind = ? and status = 'BOOKED' returning product_code
     )
     update stock_commitment set committed = committed - 1
      where facility_id = (select facility_id from a) and product_code = (select product_code from dose)`,
    [
      d.appointmentId,
      d.slipCode.trim().toUpperCase(),
      d.facilityId,
      identity.nikHash,
      identity.nikHash,
      identity.registryKey,
      d.doseRecordId,
      d.doseKind,
    ],
  );
  await finishVisit(tx, d.appointmentId, d.administeredAt, d.doseRecordId);
  return true;
}

/** Completes the visit when every antigen is GIVEN or NOT_GIVEN: the place counts as served, the phone quota is freed. */
async function finishVisit(
  tx: EntityManager,
  appointmentId: string,
  at: string,
  doseRecordId: string | null,
): Promise<AppointmentRow | undefined> {
  const [row] = await tx.execute<AppointmentRow[]>(
    `with a as (
       update appointment set status = 'COMPLETED', completed_at = ?, dose_record_id = coalesce(dose_record_id, ?::uuid)
        where id = ? and status in ('BOOKED', 'CHECKED_IN')
          and not exists (select 1 from appointment_dose where appointment_id = ? and status = 'BOOKED')
       returning *
     ), phone_free as (
       update phone_quota set live = live - 1 where phone_hash = (select phone_hash from a) and live > 0 returning 1
     ), served as (
       update session set served_count = served_count + 1 where id = (select session_id from a) returning 1
     )
     select ${appointmentColumns('a')} from a`,
    [at, doseRecordId, appointmentId, appointmentId],
  );
  if (row) await publish(tx, 'booking', AppointmentCompleted, row.id, appointmentPayload(row));
  return row;
}

/**
 * The appointment a health worker at the desk acts on: the policy first (facility staff), then the row,
 * the policy again with its facility, and the slip code of the person in front of them.
 */
export async function deskAppointment(ctx: BookingContext, appointmentId: string, slipCode: string): Promise<AppointmentRow> {
  const claims = ctx.request.claims;
  bookingPolicy.facilityWork(claims, 'before', 'Janji temu', 'appointmentId');
  const [current] = isUuid(appointmentId)
    ? await ctx.em.execute<AppointmentRow[]>(`select ${APPOINTMENT_COLUMNS} from appointment where id = ?`, [appointmentId])
    : [];
  bookingPolicy.facilityWork(claims, current, 'Janji temu', 'appointmentId');
  if (!current) throw notFound('Janji temu', 'appointmentId');
  if (normaliseSlipCode(slipCode) !== current.slip_code) {
    throw badInput('slipCode', { id: 'Kode slip tidak cocok', en: 'The slip code does not match' });
  }
  return current;
}

/**
 * At the visit, the health worker marks the antigens that will not be given today (a contraindication, the
 * parent declines): their stock is released at once, and the visit completes when nothing is left to give.
 */
export async function markDosesNotGiven(
  ctx: BookingContext,
  appointmentId: string,
  slipCode: string,
  doseKinds: string[],
): Promise<AppointmentRow> {
  const current = await deskAppointment(ctx, appointmentId, slipCode);
  if (current.status !== 'CHECKED_IN') {
    throw conflict(
      { id: 'Hanya untuk janji temu yang sudah check-in', en: 'Only for an appointment that is checked in' },
      { field: 'appointmentId', status: current.status },
    );
  }
  const doses = await visitDoses(ctx.em, [appointmentId]);
  const booked = doses.filter((d) => d.status === 'BOOKED').map((d) => d.dose_kind);
  const unknown = doseKinds.find((k) => !booked.includes(k));
  if (doses.length === 0 || unknown !== undefined) {
    throw badInput('doseKinds', {
      id: `Dosis ${unknown ?? doseKinds.join(', ')} tidak menunggu diberikan pada kunjungan ini`,
      en: `Dose ${unknown ?? doseKinds.join(', ')} is not waiting to be given at this visit`,
    });
  }
  const row = await transaction(ctx.em, async (tx) => {
    await tx.execute(
      `with d as (
         update appointment_dose set status = 'NOT_GIVEN' where appointment_id = ? and dose_kind = any(?::text[]) and status = 'BOOKED'
         returning product_code
       )
       update stock_commitment c set committed = c.committed - x.n
         from (select product_code, count(*)::int as n from d group by product_code) x
        where c.facility_id = ? and c.product_code = x.product_code`,
      [appointmentId, pgArray(doseKinds), current.facility_id],
    );
    return (await finishVisit(tx, appointmentId, new Date().toISOString(), null)) ?? current;
  });
  ctx.events.relay.nudge();
  const [fresh] = await ctx.em.execute<AppointmentRow[]>(`select ${APPOINTMENT_COLUMNS} from appointment where id = ?`, [row.id]);
  return fresh ?? row;
}

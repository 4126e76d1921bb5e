import {
  allowRoles,
  badInput,
  conflict,
  facilityStaff,
  forbidden,
  notFound,
  ownFacility,
  partnersSeeAggregatesOnly,
  unauthenticated,
  type Claims,
  isUuid,
} from '@victori/shared';
import type { ImmunizationContext } from './context.js';
import { appointmentForDose } from './modules/dose/dose.store.js';
import type { PersonEntity } from './modules/person/person.entity.js';

/**
 * Who may see and change whom in the registry: the one place this service's resolvers and services ask,
 * first (shared/src/policy.ts). A person is seen by the person (own account), their guardians, health
 * workers of a facility the person is linked to, and admins; partners never see a person.
 *
 * A health worker's facility is linked to a person only by what happened there: the person was
 * registered there or walked in there (with their ID card in hand), was vaccinated there, or holds an
 * appointment there. Knowing a NIK is not a link. One more, narrower grant: a facility's staff get the
 * children of the kelurahan it serves with doses due (dueChildren: names, birth dates, the doses due; the
 * posyandu goes to them, issue 19 item 2) and may record a dose for such a child; once recorded, the dose
 * is the link. Reading such a child's record otherwise still needs a link.
 */

const notAtYourFacility = () =>
  forbidden(
    'This person is not registered, booked or vaccinated at your facility',
    'Orang ini tidak terdaftar, memesan atau divaksinasi di fasilitas Anda',
  );

const notYours = () => forbidden('This is not your record or your dependant', 'Ini bukan data Anda atau tanggungan Anda');

/** The person, if the caller may see them; the answer for a person one may not see is the same whether or not they exist. */
export async function visiblePerson(ctx: ImmunizationContext, id: string): Promise<PersonEntity> {
  const { claims } = ctx.request;
  switch (claims.role) {
    case 'anonymous':
      throw unauthenticated();
    case 'partner':
      throw forbidden('Partners see aggregates only, never a person', 'Mitra hanya melihat data agregat, bukan data perorangan');
    case 'citizen': {
      if (!(await ctx.loaders.citizenScope()).has(id)) throw notYours();
      break;
    }
    case 'health-worker': {
      if (!(await ctx.loaders.atMyFacility.load(id))) throw notAtYourFacility();
      break;
    }
    case 'admin':
      break;
  }
  const person = await ctx.loaders.person.load(id);
  if (!person) throw notFound('Orang', 'id');
  return person;
}

/** Whether the caller may see the person: for lists, which are filtered instead of refused. */
async function mayWorkerSee(ctx: ImmunizationContext, id: string): Promise<boolean> {
  return ctx.request.claims.role === 'admin' || (await ctx.loaders.atMyFacility.load(id));
}

export interface DoseAuthority {
  facilityId: string;
  offScheduleReason: string | null;
}

export const immunizationPolicy = {
  /** A person by id: who may see them (the person, their guardians, health workers of a linked facility, admins). */
  person(ctx: ImmunizationContext, id: string): Promise<PersonEntity> {
    return visiblePerson(ctx, id);
  },

  /**
   * A field of a Person already answered to this caller (Person.forecast, Person.doseRecords): the decision
   * was the parent's (`person`, `visibleOnly`, a reference), made in the same request.
   */
  shownPerson(): void {},

  /** How national delivery keeps up (counts only, no person): the city office's admins. */
  nationalDeliveryHealth(claims: Claims): void {
    allowRoles(claims, 'admin');
  },

  /**
   * The children due in a facility's kelurahan (the desk's offline day): health workers of that facility
   * and admins. The facility is the argument, so a stranger's answer is the same whether or not it exists.
   */
  dueChildren(claims: Claims, facilityId: string): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    facilityStaff(claims, facilityId, 'Fasilitas', 'facilityId');
  },

  /**
   * Dose records found with what is on a slip (NIK, birth date, slip code): the slip's holder, signed in or
   * not, as booking's lookup of appointments by the same three. Staff have their own views.
   */
  slipHolderLookup(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'anonymous', 'citizen');
  },

  ownRecords(claims: Claims): string {
    allowRoles(claims, 'citizen');
    if (!claims.sub) throw unauthenticated();
    return claims.sub;
  },

  /** Exact lookups by NIK are for staff; health workers get only the people linked to their facility. */
  findPersons(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'health-worker', 'admin');
  },

  async visibleOnly(ctx: ImmunizationContext, people: PersonEntity[]): Promise<PersonEntity[]> {
    const seen = await Promise.all(people.map((p) => mayWorkerSee(ctx, p.id)));
    return people.filter((_, i) => seen[i]);
  },

  /** Citizens register themselves and their children; health workers register walk-ins; admins anyone. */
  register(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'citizen', 'health-worker', 'admin');
  },

  /** Guardians are added by a guardian (or an admin). */
  addGuardian(claims: Claims, accountId: string): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'citizen', 'admin');
    if (claims.role === 'citizen' && accountId === claims.sub) throw forbidden();
  },

  /** A child's NIK is recorded by who may see the child. */
  assignChildNik(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'citizen', 'health-worker', 'admin');
  },

  /**
   * A health worker records a dose only at their own facility, for a person linked to it, and against an
   * appointment only when it is one of their facility's, of this person, and for the day of the dose
   * (another day needs a recorded reason). Without an appointment the person must be linked already
   * (registered or walked in here, or vaccinated here before), or be a child of the facility's kelurahan
   * (its due list): knowing a person's id is not enough.
   */
  async recordDose(
    ctx: ImmunizationContext,
    input: { personId: string; appointmentId?: string | null; administeredOn: string; reason?: string | null },
  ): Promise<DoseAuthority> {
    const facilityId = ownFacility(ctx.request.claims);
    const linked =
      (await ctx.loaders.atMyFacility.load(input.personId)) ||
      // A child of the facility's kelurahan on its due list, vaccinated at the posyandu without an appointment.
      (!input.appointmentId && (await ctx.loaders.childInMyKelurahan.load(input.personId)));
    if (!linked) throw notAtYourFacility();
    const reason = input.reason?.trim() || null;
    if (reason !== null && (reason.length < 3 || reason.length > 500)) {
      throw badInput('reason', { id: 'Alasan harus 3-500 karakter', en: 'The reason must be 3-500 characters' });
    }
    if (!input.appointmentId) return { facilityId, offScheduleReason: reason };
    const appointment = isUuid(input.appointmentId)
      ? await appointmentForDose(ctx.em, { appointmentId: input.appointmentId, personId: input.personId })
      : undefined;
    if (!appointment || appointment.facilityId !== facilityId) {
      throw forbidden('This is not an appointment of your facility', 'Ini bukan janji temu di fasilitas Anda');
    }
    // Booked by NIK: the person's NIK must be the appointment's; booked by registry id: that person.
    const samePerson = appointment.personId
      ? appointment.personId === input.personId
      : !!appointment.nikHash && appointment.nikHash === appointment.personNikHash;
    if (!samePerson) {
      throw badInput('appointmentId', { id: 'Janji temu ini milik orang lain', en: 'This appointment belongs to someone else' });
    }
    if (appointment.status === 'CANCELLED' || appointment.status === 'COMPLETED') {
      throw conflict(
        { id: `Janji temu berstatus ${appointment.status}`, en: `The appointment is ${appointment.status}` },
        { field: 'appointmentId', status: appointment.status },
      );
    }
    if (appointment.sessionDate !== input.administeredOn && reason === null) {
      throw badInput(
        'reason',
        {
          id: `Janji temu ini untuk ${appointment.sessionDate}; tuliskan alasan bila dosis diberikan pada hari lain`,
          en: `This appointment is for ${appointment.sessionDate}; give a reason when the dose is given on another day`,
        },
        { sessionDate: appointment.sessionDate },
      );
    }
    return { facilityId, offScheduleReason: appointment.sessionDate !== input.administeredOn ? reason : null };
  },

  /**
   * Before a replayed entry (recordDose's clientRecordId) is looked up: a health worker, and only their own
   * facility's keys are searched, so another facility's entry is neither returned nor revealed.
   */
  recordDoseReplay(claims: Claims): string {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'health-worker');
    return ownFacility(claims);
  },

  /** Before a dose record is read (corrections, KIPI): roles only. */
  doseWork(claims: Claims, ...roles: ('citizen' | 'health-worker' | 'admin')[]): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, ...roles);
  },

  /**
   * Corrections, after the record was read (`facilityId` undefined when there is none): health workers
   * of the recording facility and admins; everyone else gets one answer whether or not it exists.
   */
  correctDose(claims: Claims, facilityId: string | undefined): void {
    if (claims.role === 'admin') {
      if (facilityId === undefined) throw notFound('Catatan dosis', 'doseRecordId');
      return;
    }
    if (claims.role !== 'health-worker' || facilityId === undefined || claims.facilityId !== facilityId) {
      throw forbidden(
        'Only health workers of the recording facility or admins may correct this record',
        'Hanya petugas fasilitas pencatat atau admin yang boleh mengoreksi catatan ini',
      );
    }
  },

  /** Identities for the national record (a health worker's NIK for SATUSEHAT): admins. */
  nationalIdentities(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'admin');
  },

  /** The health office's view of what has not reached the national systems: admins. */
  nationalBacklog(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'admin');
  },

  /** A dose's person, for KIPI: missing records answer like records of people one may not see. */
  async doseOwner(ctx: ImmunizationContext, personId: string | undefined): Promise<void> {
    if (personId === undefined) {
      if (ctx.request.claims.role === 'admin') throw notFound('Catatan dosis', 'doseRecordId');
      throw ctx.request.claims.role === 'citizen' ? notYours() : notAtYourFacility();
    }
    await visiblePerson(ctx, personId);
  },

  /** The mother's NIK on a child is confirmed in person: by a health worker who sees the child (own facility's people), or an admin. */
  async confirmMotherLink(ctx: ImmunizationContext, personId: string): Promise<PersonEntity> {
    if (ctx.request.claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(ctx.request.claims, 'health-worker', 'admin');
    return visiblePerson(ctx, personId);
  },

  /** Doses given elsewhere are declared by the person or a guardian (or an admin), for a person they see. */
  async declareDose(ctx: ImmunizationContext, personId: string): Promise<PersonEntity> {
    if (ctx.request.claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(ctx.request.claims, 'citizen', 'admin');
    return visiblePerson(ctx, personId);
  },

  /** The national record is looked up for a person by who may see the person (it only adds to their history). */
  async lookUpNational(ctx: ImmunizationContext, personId: string): Promise<PersonEntity> {
    if (ctx.request.claims.role === 'partner') throw partnersSeeAggregatesOnly();
    return visiblePerson(ctx, personId);
  },

  /** Before a declaration is read (to confirm or reject it): roles only. */
  decideDeclaredBefore(claims: Claims, decision: 'confirm' | 'reject'): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (decision === 'confirm') allowRoles(claims, 'health-worker');
    else allowRoles(claims, 'health-worker', 'admin');
  },

  /**
   * A declaration is confirmed by a health worker with the evidence in hand, for one of their own
   * facility's people (the confirmed dose is recorded at that facility); rejected also by an admin.
   * An unknown declaration answers like one of a person the caller may not see.
   */
  async decideDeclared(ctx: ImmunizationContext, personId: string | undefined, decision: 'confirm' | 'reject'): Promise<string | null> {
    const { claims } = ctx.request;
    immunizationPolicy.decideDeclaredBefore(claims, decision);
    if (personId === undefined) {
      if (claims.role === 'admin') throw notFound('Laporan dosis', 'declaredDoseId');
      throw notAtYourFacility();
    }
    await visiblePerson(ctx, personId);
    return claims.role === 'health-worker' ? ownFacility(claims) : null;
  },

  /** A claim code is handed over by a health worker who sees the person, or by an admin. */
  async issueClaimCode(ctx: ImmunizationContext, personId: string): Promise<PersonEntity> {
    if (ctx.request.claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(ctx.request.claims, 'health-worker', 'admin');
    return visiblePerson(ctx, personId);
  },

  /**
   * Certificates (SMART Health Cards) of a person: the person and their guardians, health workers of a
   * facility linked to the person (to print at the desk), admins; never partners. A card id that does
   * not exist answers like a card of a person one may not see.
   */
  async healthCards(ctx: ImmunizationContext, personId: string | undefined): Promise<void> {
    const { claims } = ctx.request;
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (personId === undefined) {
      if (claims.role === 'anonymous') throw unauthenticated();
      if (claims.role === 'admin') throw notFound('Sertifikat', 'id');
      throw claims.role === 'citizen' ? notYours() : notAtYourFacility();
    }
    await visiblePerson(ctx, personId);
  },

  /** The issuer's keys and revocation lists are public: every verifier, signed in or not, must read them. */
  healthCardIssuer(): void {},

  /**
   * Work triggered by another service's event (a consumer in its inbox transaction: booking's facility ids
   * for SATUSEHAT): the producing service decided who may cause it; there is no caller here to check.
   */
  fromEvent(): void {},
};

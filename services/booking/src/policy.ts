import {
  allowRoles,
  facilityStaff,
  forbidden,
  notFound,
  partnersSeeAggregatesOnly,
  unauthenticated,
  type Claims,
  type NotFoundThing,
} from '@victori/shared';

/**
 * Who may do what in booking: the one place its resolvers and services ask, first, before anything is
 * looked up (shared/src/policy.ts says why). Public reads (facilities, sessions) need no decision.
 */
export const bookingPolicy = {
  /**
   * Whether an appointment hands out the link to its person (`Appointment.person`): to signed-in citizens,
   * health workers and admins, for immunization to decide under its own rules; never to anonymous slip
   * holders or partners, whom immunization would refuse anyway.
   */
  personLink(claims: Claims): boolean {
    return claims.role === 'citizen' || claims.role === 'health-worker' || claims.role === 'admin';
  },

  /**
   * A field of an appointment the caller already reads (its doses): the query or mutation that returned
   * the appointment decided; partners, who are never given one, are refused here too.
   */
  appointmentField(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
  },

  /** Anyone may book (anonymous, citizens, staff booking for someone at the desk); partners see aggregates only. */
  book(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
  },

  /** Before an appointment is read for cancel or reschedule: partners never. */
  manageAppointment(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
  },

  /**
   * After it was read (`row` undefined when there is none): admins, the appointment's facility, the account
   * that booked it, or whoever shows its holder's NIK and slip code. Everyone else gets one answer whether
   * the appointment exists or not.
   */
  appointment(claims: Claims, row: { facility_id: string; booked_by: string | null } | undefined, holderProven: boolean | undefined): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (claims.role === 'admin') {
      if (!row) throw notFound('Janji temu', 'id');
      return;
    }
    if (row && claims.role === 'health-worker' && claims.facilityId === row.facility_id) return;
    if (row && claims.role === 'citizen' && claims.sub && claims.sub === row.booked_by) return;
    if (holderProven !== undefined) {
      if (row && holderProven) return;
      throw forbidden('The NIK and slip code do not match this appointment', 'NIK dan kode slip tidak cocok dengan janji temu ini');
    }
    if (claims.role === 'anonymous') throw unauthenticated();
    throw forbidden();
  },

  /**
   * The lookup by NIK, birth date and slip code is for the appointment's holder themselves (signed in or
   * not). Staff and partners have their own views and never look a citizen up by what is on a slip.
   */
  holderLookup(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'anonymous', 'citizen');
  },

  /**
   * Booking by registry id (a child without NIK): a signed-in citizen only, and only for a person the
   * registry linked to that account (checked against booking's projection of the links afterwards).
   */
  bookByRegistryId(claims: Claims): string {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    allowRoles(claims, 'citizen');
    if (!claims.sub) throw unauthenticated();
    return claims.sub;
  },

  /**
   * "My appointments": by what is on the slip (`byHolder`, the holder themselves; undefined is returned)
   * or by token (the citizen account whose bookings are listed is returned).
   */
  appointmentsLookup(claims: Claims, byHolder: boolean): string | undefined {
    if (byHolder) {
      bookingPolicy.holderLookup(claims);
      return undefined;
    }
    return bookingPolicy.ownAppointments(claims);
  },

  /** "My appointments" by token: what this citizen account booked. */
  ownAppointments(claims: Claims): string {
    allowRoles(claims, 'citizen');
    if (!claims.sub) throw unauthenticated();
    return claims.sub;
  },

  /** Opening a session at a facility: health workers of that facility, admins. */
  openSession(claims: Claims, facilityId: string): void {
    facilityStaff(claims, facilityId, 'Fasilitas', 'facilityId');
  },

  /**
   * Work on one facility's session or appointment (change, close, check in, walk in, no-shows, day list).
   * Called twice: with `undefined` before the row is read (roles only), then with the row's facility.
   */
  facilityWork(claims: Claims, found: { facility_id: string } | undefined | 'before', what: NotFoundThing, field: string): void {
    if (found === 'before') {
      allowRoles(claims, 'health-worker', 'admin');
      return;
    }
    facilityStaff(claims, found?.facility_id, what, field);
  },

  /** The facility register and the session search are public (anyone may look for a place). */
  publicRead(): void {
    // Deliberately open: stated here so that every read names its decision.
  },

  /** Facilities are the city's register: admins change it. */
  manageFacilities(claims: Claims): void {
    allowRoles(claims, 'admin');
  },
};

import {
  allowRoles,
  type AppError,
  forbidden,
  notFound,
  notYourFacility,
  partnersSeeAggregatesOnly,
  unauthenticated,
  type Claims,
} from '@victori/shared';

/** What the policy needs of a complaint to decide (undefined when there is none). */
export interface ComplaintScope {
  facilityId?: string | null;
  citizenAccount?: string | null;
  submittedBy: string;
}

const isOwn = (claims: Claims, c: ComplaintScope): boolean =>
  claims.role === 'citizen' && Boolean(claims.sub) && (c.citizenAccount === claims.sub || c.submittedBy === `citizen:${claims.sub}`);

/**
 * Who may do what in feedback: the one place every service function asks, first, before anything is looked
 * up (shared/src/policy.ts says why). Citizens: their own complaints and their visits' surveys; health
 * workers: their facility's queue; the city office (admin): everything, and the FAQ; partners: counts and
 * suppressed indices only.
 */
export const feedbackPolicy = {
  /** Citizens complain for themselves; staff on a citizen's behalf (health workers for their own facility). */
  submitComplaint(claims: Claims, facilityId: string | null | undefined): 'citizen' | 'staff' {
    if (claims.role === 'anonymous') throw unauthenticated();
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (claims.role === 'citizen') return 'citizen';
    allowRoles(claims, 'health-worker', 'admin');
    if (claims.role === 'health-worker' && (!facilityId || claims.facilityId !== facilityId.toLowerCase())) throw notYourFacility();
    return 'staff';
  },

  /**
   * Reading one complaint: 'before' decides on roles only; then with what was found. The citizen it belongs
   * to, the staff of its facility, admins. Strangers get FORBIDDEN whether or not it exists.
   */
  readComplaint(claims: Claims, found: ComplaintScope | undefined | 'before'): void {
    if (claims.role === 'anonymous') throw unauthenticated();
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (found === 'before') return;
    if (claims.role === 'admin') {
      if (!found) throw notFound('Pengaduan', 'id');
      return;
    }
    if (found && claims.role === 'health-worker' && Boolean(found.facilityId) && claims.facilityId === found.facilityId) return;
    if (found && isOwn(claims, found)) return;
    throw forbidden();
  },

  /** Answering (assign, start, reply, resolve, reject): the staff of its facility; the city office for all, and alone for the website's. */
  handleComplaint(claims: Claims, found: ComplaintScope | undefined | 'before'): void {
    allowRoles(claims, 'health-worker', 'admin');
    if (found === 'before') return;
    if (claims.role === 'admin') {
      if (!found) throw notFound('Pengaduan', 'id');
      return;
    }
    if (!found || !found.facilityId || claims.facilityId !== found.facilityId) throw notYourFacility();
  },

  /** Rating and reopening are the citizen's: the complaint's own account only. */
  citizenStep(claims: Claims, found: ComplaintScope | undefined | 'before'): void {
    allowRoles(claims, 'citizen');
    if (found === 'before') return;
    if (!found || !isOwn(claims, found)) throw forbidden();
  },

  /** A signed-in citizen's own complaints. */
  myComplaints(claims: Claims): string {
    allowRoles(claims, 'citizen');
    return claims.sub!;
  },

  /** A facility's queue: its health workers and admins. Returns the facility to filter by (undefined: city-wide, admins). */
  queue(claims: Claims, facilityId: string | null | undefined): string | undefined {
    allowRoles(claims, 'health-worker', 'admin');
    if (claims.role === 'admin') return facilityId ?? undefined;
    if (facilityId && facilityId.toLowerCase() !== claims.facilityId) throw notYourFacility();
    return claims.facilityId!;
  },

  /** Counts of complaints: partners and the city office (aggregates, no content). */
  complaintCounts(claims: Claims): void {
    allowRoles(claims, 'partner', 'admin');
  },

  /** The FAQ and the complaint categories are public. */
  publicRead(): void {},

  /** The published FAQ is public; drafts are the city office's. */
  readFaq(claims: Claims, includeDrafts: boolean): void {
    if (includeDrafts) allowRoles(claims, 'admin');
  },

  /** Editing the FAQ (and reading its history) is the city office's. */
  editFaq(claims: Claims): void {
    allowRoles(claims, 'admin');
  },

  /** Unknown FAQ entry: NOT_FOUND for everyone (the FAQ is public). */
  faqNotFound(): AppError {
    return notFound('Tanya jawab', 'slug');
  },

  /** The survey is the visitor's: citizens and the anonymous holder of the invitation; staff and partners never answer. */
  answerSurvey(claims: Claims): void {
    if (claims.role === 'partner') throw partnersSeeAggregatesOnly();
    if (claims.role === 'health-worker' || claims.role === 'admin') {
      throw forbidden('The survey is answered by the visitor', 'Survei diisi oleh warga yang berkunjung');
    }
  },

  /** Appointment.survey: whoever booking let see the appointment sees the invitation; only the visitor's side gets its token. */
  surveyToken(claims: Claims): boolean {
    return claims.role === 'anonymous' || claims.role === 'citizen';
  },

  /**
   * Satisfaction indices are public, with small counts suppressed; the city office sees every number, and
   * a facility's health workers see their own facility's. Returns the facility ids shown unsuppressed.
   */
  satisfaction(claims: Claims): { all: true } | { all: false; ownFacility?: string } {
    if (claims.role === 'admin') return { all: true };
    return { all: false, ownFacility: claims.role === 'health-worker' ? claims.facilityId : undefined };
  },
};

import { allowRoles, notFound, notYourFacility, type Claims } from '@victori/shared';

const RECORD = { id: 'Catatan feedback', en: 'Feedback record' };

/**
 * Who may do what in feedback: the one place every service function asks, first, before anything is looked
 * up (shared/src/policy.ts says why). Add a decision here for every new operation.
 */
export const feedbackPolicy = {
  /**
   * A record: health workers of its facility and admins. Called with 'before' (roles only) and again with
   * what was found (`facilityId` undefined when nothing was): a stranger gets one answer either way.
   */
  record(claims: Claims, facilityId: string | undefined | 'before'): void {
    allowRoles(claims, 'health-worker', 'admin');
    if (facilityId === 'before') return;
    if (claims.role === 'admin') {
      if (facilityId === undefined) throw notFound(RECORD, 'id');
      return;
    }
    if (facilityId === undefined || claims.facilityId !== facilityId) throw notYourFacility();
  },

  /** A facility's records (list, create): its health workers and admins. */
  facilityRecords(claims: Claims, facilityId: string): void {
    allowRoles(claims, 'health-worker', 'admin');
    if (claims.role === 'health-worker' && claims.facilityId !== facilityId) throw notYourFacility();
  },
};

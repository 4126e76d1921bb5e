import { requireRole, type Claims, type Role } from './auth.js';
import { forbidden, notFound, unauthenticated, type AppError, type NotFoundThing } from './errors.js';

/**
 * Primitives of the services' access policies (services/<svc>/src/policy.ts). Every service method asks
 * its policy first, before it looks anything up, and asks again with what it found: a caller who may not
 * see a thing gets the same answer whether or not it exists, so NOT_FOUND never tells a stranger what is
 * there. Only callers who may see every such thing (admins, mostly) learn that it does not exist.
 */

/** The caller must hold one of `roles`: anonymous callers are UNAUTHENTICATED, others FORBIDDEN. */
export function allowRoles(claims: Claims, ...roles: Role[]): void {
  requireRole(claims, ...roles);
}

export const partnersSeeAggregatesOnly = (): AppError => forbidden('Partners see aggregates only', 'Mitra hanya melihat data agregat');

export const notYourFacility = (): AppError =>
  forbidden(
    'Only health workers of this facility or admins may do this',
    'Hanya petugas fasilitas ini atau admin yang boleh melakukan ini',
  );

/** A health worker's facility, or FORBIDDEN when the token names none. */
export function ownFacility(claims: Claims): string {
  if (claims.role === 'anonymous') throw unauthenticated();
  if (claims.role !== 'health-worker' || !claims.facilityId) throw notYourFacility();
  return claims.facilityId;
}

/**
 * Staff acting on one facility's thing (a session, an appointment, a stock movement): health workers of
 * that facility and admins. `facilityId` is undefined when the thing does not exist: admins learn that
 * (NOT_FOUND), everyone else gets the answer they would get for another facility's thing.
 */
export function facilityStaff(claims: Claims, facilityId: string | undefined, what: NotFoundThing, field: string): void {
  requireRole(claims, 'health-worker', 'admin');
  if (claims.role === 'admin') {
    if (facilityId === undefined) throw notFound(what, field);
    return;
  }
  if (facilityId === undefined || claims.facilityId !== facilityId) throw notYourFacility();
}

import { allowRoles, facilityStaff, forbidden, unauthenticated, type Claims } from '@victori/shared';

/**
 * Identity's access decisions, in one place (as every service's policy.ts): each operation asks here first,
 * before it looks anything up. Sign-in itself (requestSignInCode, signInWithCode, staffSignIn,
 * refreshSession, signOut) is public by nature: the code, password or refresh token is the
 * proof, and its checks (tries, throttles, lockout) live in the services; its entry says so (signIn).
 */
export const identityPolicy = {
  /** Signing in, refreshing and signing out: public by nature (the code, password or refresh token is the proof). */
  signIn(): void {},

  /** `me`: whoever is signed in sees their own account; anonymous callers see nothing. */
  me(claims: Claims): claims is Claims & { sub: string } {
    return claims.role !== 'anonymous' && Boolean(claims.sub);
  },

  /** Only the city health office creates staff accounts (health workers, admins, partners). */
  createStaffAccount(claims: Claims): void {
    allowRoles(claims, 'admin');
  },

  /** Staff accounts are listed and changed (role, facility) by the city health office only. */
  manageStaffAccounts(claims: Claims): void {
    allowRoles(claims, 'admin');
  },

  /** A facility's vaccinators (names only, for the desk): its own health workers and admins. */
  facilityVaccinators(claims: Claims, facilityId: string): void {
    facilityStaff(claims, facilityId, 'Fasilitas', 'facilityId');
  },

  /** Authenticator apps are for signed-in staff accounts; the service then checks the account is staff's. */
  totp(claims: Claims): string {
    if (claims.role === 'anonymous' || !claims.sub) throw unauthenticated();
    return claims.sub;
  },

  /** The SMS outbox exists only where no SMS is really sent: development and tests. */
  devSmsOutbox(production: boolean, outbox: boolean): void {
    if (production || !outbox) {
      throw forbidden('The SMS outbox exists only in development', 'Kotak keluar SMS hanya ada di lingkungan pengembangan');
    }
  },
};

import { createHmac, timingSafeEqual } from 'node:crypto';
import { forbidden, unauthenticated } from './errors.js';

export const ROLES = ['anonymous', 'citizen', 'health-worker', 'admin', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** Verified identity the gateway forwards to subgraphs. */
export interface Claims {
  role: Role;
  /** Account id of a citizen, health worker, admin or partner. Absent for anonymous. */
  sub?: string;
  /** The facility a health worker is bound to. */
  facilityId?: string;
}

export const ANONYMOUS: Claims = Object.freeze({ role: 'anonymous' });

export const HEADER_CLAIMS = 'x-victori-claims';
export const HEADER_SIGNATURE = 'x-victori-signature';
export const HEADER_REQUEST_ID = 'x-request-id';

export function encodeClaims(claims: Claims): string {
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

export function signClaims(secret: string, requestId: string, encodedClaims: string): string {
  return createHmac('sha256', secret).update(`${requestId}.${encodedClaims}`).digest('base64url');
}

/**
 * Verifies the gateway's signature over the forwarded claims. Returns the claims, or undefined when
 * the request did not come from the gateway.
 */
export function verifyForwardedClaims(
  secret: string,
  requestId: string | undefined,
  encodedClaims: string | undefined,
  signature: string | undefined,
): Claims | undefined {
  if (!requestId || !encodedClaims || !signature) return undefined;
  const expected = Buffer.from(signClaims(secret, requestId, encodedClaims));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as Claims;
    if (!(ROLES as readonly string[]).includes(parsed.role)) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

export function requireRole(claims: Claims, ...roles: Role[]): void {
  if (claims.role === 'anonymous' && !roles.includes('anonymous')) throw unauthenticated();
  if (!roles.includes(claims.role)) throw forbidden();
}

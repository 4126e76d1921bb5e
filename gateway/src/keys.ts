import { importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { ROLES, type Claims, type Role } from '@victori/shared';
import { DEFAULT_JWT_MAX_LIFETIME_S, JWT_ALG } from './dev-keys.js';

export * from './dev-keys.js';

export function loadPublicKey(pem: string): Promise<CryptoKey> {
  return importSPKI(pem, JWT_ALG);
}

/**
 * Verifies a bearer token and maps it to claims; throws on any defect. A token must expire, and no later
 * than `maxLifetimeSeconds` after it was issued (or from now, without `iat`): a leaked token without `exp`
 * or with one years ahead would otherwise be a permanent credential.
 */
export async function verifyToken(
  token: string,
  key: CryptoKey,
  issuer: string,
  audience: string,
  maxLifetimeSeconds = DEFAULT_JWT_MAX_LIFETIME_S,
): Promise<Claims> {
  const { payload } = await jwtVerify(token, key, { issuer, audience, algorithms: [JWT_ALG], requiredClaims: ['exp'] });
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp!;
  if (exp - now > maxLifetimeSeconds) throw new Error('token lives longer than allowed');
  if (typeof payload.iat === 'number' && (payload.iat > now + 60 || exp - payload.iat > maxLifetimeSeconds)) {
    throw new Error('token lives longer than allowed');
  }
  const role = payload.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || role === 'anonymous') {
    throw new Error('token has no valid role');
  }
  if (role === 'health-worker' && typeof payload.facility !== 'string') throw new Error('health-worker token without facility');
  return {
    role: role as Role,
    sub: payload.sub,
    ...(typeof payload.facility === 'string' ? { facilityId: payload.facility } : {}),
  };
}

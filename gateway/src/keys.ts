import { importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { ROLES, type Claims, type Role } from '@victori/shared';
import { JWT_ALG } from './dev-keys.js';

export * from './dev-keys.js';

export function loadPublicKey(pem: string): Promise<CryptoKey> {
  return importSPKI(pem, JWT_ALG);
}

/** Verifies a bearer token and maps it to claims; throws on any defect. */
export async function verifyToken(token: string, key: CryptoKey, issuer: string, audience: string): Promise<Claims> {
  const { payload } = await jwtVerify(token, key, { issuer, audience, algorithms: [JWT_ALG] });
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

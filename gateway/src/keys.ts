import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { ROLES, type Claims, type Role } from '@victori/shared';

export const JWT_ALG = 'ES256';

export interface KeyFiles {
  privateKeyFile: string;
  publicKeyFile: string;
}

/** At first local start, generates a development key pair (never used in production). */
export async function ensureDevKeyPair(dir: string): Promise<KeyFiles> {
  const files = { privateKeyFile: path.join(dir, 'jwt-private.pem'), publicKeyFile: path.join(dir, 'jwt-public.pem') };
  if (existsSync(files.privateKeyFile) && existsSync(files.publicKeyFile)) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(JWT_ALG, { extractable: true });
  writeFileSync(files.privateKeyFile, await exportPKCS8(privateKey), { mode: 0o600 });
  writeFileSync(files.publicKeyFile, await exportSPKI(publicKey));
  return files;
}

export function loadPublicKey(pem: string): Promise<CryptoKey> {
  return importSPKI(pem, JWT_ALG);
}

export function loadPrivateKey(pem: string): Promise<CryptoKey> {
  return importPKCS8(pem, JWT_ALG);
}

export interface TokenRequest {
  role: Exclude<Role, 'anonymous'>;
  sub: string;
  facilityId?: string;
  ttlSeconds?: number;
}

export async function signToken(privateKeyPem: string, issuer: string, audience: string, request: TokenRequest): Promise<string> {
  const key = await loadPrivateKey(privateKeyPem);
  const jwt = new SignJWT({ role: request.role, ...(request.facilityId ? { facility: request.facilityId } : {}) })
    .setProtectedHeader({ alg: JWT_ALG })
    .setSubject(request.sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${request.ttlSeconds ?? 8 * 3600}s`);
  return jwt.sign(key);
}

/** Dev tokens live 8 h; the gateway accepts at most this by default (GATEWAY_JWT_MAX_LIFETIME_S). */
export const DEFAULT_JWT_MAX_LIFETIME_S = 24 * 3600;

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

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { Role } from '@victori/shared';

// Token signing needs only jose: `npm run token` imports this module alone and answers in well under
// a second, where the gateway's index (Apollo, the platform library) takes about one.

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

/** Dev tokens live 8 h; the gateway accepts at most this by default (GATEWAY_JWT_MAX_LIFETIME_S). */
export const DEFAULT_JWT_MAX_LIFETIME_S = 24 * 3600;

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

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}

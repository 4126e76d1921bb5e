import { createHash, randomBytes } from 'node:crypto';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { Role } from '@victori/shared';

export const JWT_ALG = 'ES256';

export interface AccessClaims {
  sub: string;
  role: Exclude<Role, 'anonymous'>;
  facilityId?: string;
}

/** Signs the short-lived access tokens the gateway verifies (gateway/src/keys.ts reads the same claims). */
export class TokenIssuer {
  private key?: Promise<CryptoKey>;
  constructor(
    private readonly pem: string,
    readonly issuer: string,
    readonly audience: string,
    readonly ttlSeconds: number,
  ) {}

  async sign(claims: AccessClaims, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    this.key ??= importPKCS8(this.pem, JWT_ALG);
    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    // The phone never goes into a token: a token is seen by the browser, logs of proxies, every subgraph.
    const token = await new SignJWT({ role: claims.role, ...(claims.facilityId ? { facility: claims.facilityId } : {}) })
      .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }
}

/** An opaque refresh token (256 random bits) and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** Refresh tokens are long random values: a plain SHA-256 is enough to make a stolen table useless. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

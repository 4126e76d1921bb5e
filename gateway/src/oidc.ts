import { createRemoteJWKSet, decodeJwt, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { ROLES, type Claims, type Role } from '@victori/shared';
import type { GatewayConfig, OidcConfig } from './config.js';
import { verifyToken } from './keys.js';

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function mapRole(oidc: OidcConfig, value: unknown): Role | undefined {
  const candidates = Array.isArray(value) ? value : [value];
  for (const c of candidates) {
    if (typeof c !== 'string') continue;
    const mapped = oidc.roleMap[c] ?? c;
    if ((ROLES as readonly string[]).includes(mapped) && mapped !== 'anonymous') return mapped as Role;
  }
  return undefined;
}

/** Maps a verified provider token to platform claims; throws when it names no platform role. */
export function oidcClaims(oidc: OidcConfig, payload: JWTPayload): Claims {
  const role = mapRole(oidc, claimAt(payload, oidc.roleClaim));
  if (!role) throw new Error('token has no platform role');
  const rawFacility = claimAt(payload, oidc.facilityClaim);
  const facility = Array.isArray(rawFacility) ? rawFacility.find((f) => typeof f === 'string') : rawFacility;
  if (role === 'health-worker' && typeof facility !== 'string') throw new Error('health-worker token without facility');
  return { role, sub: payload.sub, ...(typeof facility === 'string' && role === 'health-worker' ? { facilityId: facility } : {}) };
}

/**
 * Bearer token -> claims. Tokens of the built-in issuer (identity) are checked with its public key;
 * tokens whose `iss` is the configured OpenID provider with the provider's published keys (JWKS,
 * fetched and cached by jose, refetched when a token names an unknown key id, e.g. after rotation).
 */
export function createTokenVerifier(config: GatewayConfig, builtInKey: CryptoKey): (token: string) => Promise<Claims> {
  const oidc = config.oidc;
  const jwks = oidc ? createRemoteJWKSet(new URL(oidc.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }) : undefined;
  return async (token) => {
    if (oidc && jwks && decodeJwt(token).iss === oidc.issuer) {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        algorithms: oidc.algorithms,
        requiredClaims: ['exp'],
      });
      // The same rule as for our own tokens: no credential lives longer than GATEWAY_JWT_MAX_LIFETIME_S.
      if (payload.exp! - Math.floor(Date.now() / 1000) > config.jwtMaxLifetimeS) throw new Error('token lives longer than allowed');
      return oidcClaims(oidc, payload);
    }
    if (!config.builtInIssuer) throw new Error('built-in issuer is turned off');
    return verifyToken(token, builtInKey, config.jwtIssuer, config.jwtAudience, config.jwtMaxLifetimeS);
  };
}

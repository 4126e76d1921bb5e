import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Claims } from '@victori/shared';

/**
 * Bearer tokens already verified, kept until they expire: a signed-in citizen refreshing "my appointments"
 * costs one ES256 signature check per token instead of one per request (the gateway's largest share of a
 * signed-in read's CPU after planning). Only successful verifications are kept, by the token's SHA-256 (no
 * token is held as it was sent), with its claims and `exp`; a token is never served past its `exp`, as
 * jose would refuse it then. Bounded: the oldest entry leaves first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: Claims; exp: number }>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The claims of a token verified before and not yet expired, or undefined. */
  get(key: string, nowSeconds = Date.now() / 1000): Claims | undefined {
    const found = this.entries.get(key);
    if (!found) return undefined;
    if (found.exp <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    return found.claims;
  }

  set(key: string, claims: Claims, exp: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { claims, exp });
  }
}

/** `verify` with the verified tokens in front of it: a repeated token is answered without a signature check. */
export function withVerifiedTokens(
  verify: (token: string) => Promise<Claims>,
  cache = new VerifiedTokens(),
): ((token: string) => Promise<Claims>) & { cache: VerifiedTokens } {
  const cached = async (token: string): Promise<Claims> => {
    const key = createHash('sha256').update(token).digest('base64url');
    const known = cache.get(key);
    if (known) {
      cache.hits++;
      return known;
    }
    cache.misses++;
    const claims = await verify(token);
    // Verified, so `exp` is there (required by both verifiers) and the payload decodes.
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') cache.set(key, claims, exp);
    return claims;
  };
  return Object.assign(cached, { cache });
}

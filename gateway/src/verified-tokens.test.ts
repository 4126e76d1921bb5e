import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { loadPublicKey, verifyToken } from './keys.js';
import { VerifiedTokens, withVerifiedTokens } from './verified-tokens.js';

describe('verified bearer tokens', () => {
  const issuer = 'victori';
  const audience = 'victori-api';
  let sign: (claims: Record<string, unknown>, expiresIn: string | number) => Promise<string>;
  let verify: (token: string) => Promise<Awaited<ReturnType<typeof verifyToken>>>;
  let checks = 0;
  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const key = await loadPublicKey(await exportSPKI(publicKey));
    sign = (claims, expiresIn) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey);
    verify = (token) => {
      checks++;
      return verifyToken(token, key, issuer, audience);
    };
  });

  test('a repeated token is answered with its claims without a second signature check; another token is checked', async () => {
    const cached = withVerifiedTokens(verify);
    const a = await sign({ role: 'citizen', sub: 'c-1' }, '1h');
    const before = checks;
    expect(await cached(a)).toEqual({ role: 'citizen', sub: 'c-1' });
    expect(await cached(a)).toEqual({ role: 'citizen', sub: 'c-1' });
    expect(checks - before).toBe(1);
    const b = await sign({ role: 'citizen', sub: 'c-2' }, '1h');
    expect(await cached(b)).toEqual({ role: 'citizen', sub: 'c-2' });
    expect(checks - before).toBe(2);
    expect(cached.cache).toMatchObject({ hits: 1, misses: 2, size: 2 });
  });

  test('a refused token is never kept: a tampered one, or one refused before, is checked (and refused) again', async () => {
    const cached = withVerifiedTokens(verify);
    const good = await sign({ role: 'citizen', sub: 'c-3' }, '1h');
    await cached(good);
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    await expect(cached(forged)).rejects.toThrow();
    await expect(cached(forged)).rejects.toThrow();
    const noRole = await sign({ sub: 'x' }, '1h');
    await expect(cached(noRole)).rejects.toThrow('role');
    await expect(cached(noRole)).rejects.toThrow('role');
    expect(cached.cache.size).toBe(1);
  });

  test('a kept token is not served after its exp: it is checked again, and jose refuses it', async () => {
    const cached = withVerifiedTokens(verify);
    const soon = await sign({ role: 'citizen', sub: 'c-4' }, Math.floor(Date.now() / 1000) + 1);
    expect(await cached(soon)).toMatchObject({ sub: 'c-4' });
    await new Promise((r) => setTimeout(r, 1100));
    const before = checks;
    await expect(cached(soon)).rejects.toThrow();
    expect(checks - before).toBe(1);
  });

  test('bounded: the oldest entry leaves first', () => {
    const cache = new VerifiedTokens(2);
    cache.set('a', { role: 'citizen', sub: 'a' }, 2e9);
    cache.set('b', { role: 'citizen', sub: 'b' }, 2e9);
    cache.set('c', { role: 'citizen', sub: 'c' }, 2e9);
    expect([cache.get('a'), cache.get('b')?.sub, cache.get('c')?.sub]).toEqual([undefined, 'b', 'c']);
  });
});

import type { EntityManager } from '@mikro-orm/postgresql';
import type { PiiVault } from '@victori/shared';
import { issuerKeys, newPrivateJwk, signingKey } from './certificate.keys.js';

// Configured keys are read from the settings only: no database or vault is reached.
const noDb = {} as EntityManager;
const noVault = {} as PiiVault;
const now = Math.floor(Date.now() / 1000);

async function keysOf(jwks: object[]) {
  return issuerKeys(noDb, noVault, { issuer: 'https://victori.test', signingKeys: JSON.stringify(jwks) });
}

describe('the key that signs a new card', () => {
  it('is the first key that has not expired: a retired key first in the list still verifies old cards but signs none', async () => {
    const retired = { ...(await newPrivateJwk()), exp: now - 60 };
    const current = await newPrivateJwk();
    const keys = await keysOf([retired, current]);
    expect(keys.all).toHaveLength(2); // both are published
    const signing = signingKey(keys);
    expect(signing.kid).toBe(keys.all[1]!.kid);
    expect(signing.publicJwk.exp).toBeUndefined();
  });

  it('moves to the next key once the first expires while the service runs', async () => {
    const soon = { ...(await newPrivateJwk()), exp: now + 3600 };
    const next = await newPrivateJwk();
    const keys = await keysOf([soon, next]);
    expect(signingKey(keys, new Date()).kid).toBe(keys.all[0]!.kid);
    expect(signingKey(keys, new Date((now + 3601) * 1000)).kid).toBe(keys.all[1]!.kid);
  });

  it('refuses to start when every configured key has expired', async () => {
    const old = { ...(await newPrivateJwk()), exp: now - 1 };
    await expect(keysOf([old])).rejects.toThrow(/CERTIFICATE_SIGNING_KEYS.*expired|expired.*CERTIFICATE_SIGNING_KEYS/s);
  });
});

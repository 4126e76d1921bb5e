import type { EntityManager } from '@mikro-orm/postgresql';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { ConfigError, type PiiVault } from '@victori/shared';
import type { CertificateSettings } from '../../config.js';
import { insertIssuerKey, storedIssuerKey } from './certificate.store.js';

export const CARD_ALG = 'ES256';

/** One issuer key: `kid` is its RFC 7638 thumbprint, as SMART Health Cards require. */
export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  /** The published form: public members only, with `exp` when the key is retired. */
  publicJwk: JWK & { kid: string; exp?: number };
}

export interface IssuerKeys {
  /** Every key, in the configured order; all are published so that older cards still verify. */
  all: IssuerKey[];
}

/**
 * The key that signs a card issued at `now`: the first configured key that has not expired. A key's
 * `exp` tells verifiers to stop trusting it, so a card signed with it after that would be refused;
 * rotation lists the new key first and keeps the retired one (with `exp`) for the cards it signed.
 */
export function signingKey(keys: IssuerKeys, now: Date = new Date()): IssuerKey {
  const seconds = Math.floor(now.getTime() / 1000);
  const key = keys.all.find((k) => k.publicJwk.exp === undefined || k.publicJwk.exp > seconds);
  if (!key) {
    throw new ConfigError('CERTIFICATE_SIGNING_KEYS', 'every key has expired: add a new key first (rotation)');
  }
  return key;
}

async function toIssuerKey(jwk: JWK & { exp?: number }): Promise<IssuerKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) {
    throw new ConfigError('CERTIFICATE_SIGNING_KEYS', 'must hold private EC P-256 keys (kty EC, crv P-256, x, y, d)');
  }
  const publicPart = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const kid = await calculateJwkThumbprint(publicPart, 'sha256');
  const privateKey = (await importJWK({ ...publicPart, d: jwk.d }, CARD_ALG)) as CryptoKey;
  return {
    kid,
    privateKey,
    publicJwk: { ...publicPart, kid, use: 'sig', alg: CARD_ALG, ...(typeof jwk.exp === 'number' ? { exp: jwk.exp } : {}) },
  };
}

/** A new private JWK (for CERTIFICATE_SIGNING_KEYS or the stored development key). */
export async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(CARD_ALG, { extractable: true });
  return exportJWK(privateKey);
}

async function storedKey(em: EntityManager, vault: PiiVault): Promise<JWK> {
  const read = () => storedIssuerKey(em);
  let row = await read();
  if (!row) {
    const jwk = await newPrivateJwk();
    const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! });
    // Two first uses at once: one key wins, both read it back.
    await insertIssuerKey(em, kid, vault.encrypt(JSON.stringify(jwk)));
    row = await read();
  }
  return JSON.parse(vault.decrypt(row!.private_jwk_sealed)) as JWK;
}

const loaded = new WeakMap<CertificateSettings, Promise<IssuerKeys>>();

/** The issuer keys, read once per service (configured, or the stored one). */
export function issuerKeys(em: EntityManager, vault: PiiVault, settings: CertificateSettings): Promise<IssuerKeys> {
  let keys = loaded.get(settings);
  if (!keys) {
    keys = (async () => {
      let jwks: (JWK & { exp?: number })[];
      if (settings.signingKeys) {
        try {
          jwks = JSON.parse(settings.signingKeys) as JWK[];
        } catch {
          throw new ConfigError('CERTIFICATE_SIGNING_KEYS', 'must be a JSON array of private JWKs');
        }
        if (!Array.isArray(jwks) || jwks.length === 0) throw new ConfigError('CERTIFICATE_SIGNING_KEYS', 'must list at least one key');
      } else {
        jwks = [await storedKey(em, vault)];
      }
      const keys = { all: await Promise.all(jwks.map(toIssuerKey)) };
      signingKey(keys); // a platform that can only sign cards nobody trusts does not start
      return keys;
    })();
    keys.catch(() => loaded.delete(settings));
    loaded.set(settings, keys);
  }
  return keys;
}

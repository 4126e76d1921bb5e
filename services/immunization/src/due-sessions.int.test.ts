/**
 * Cross-service: booking's public `sessions` query (places) and inventory's stock, read by this
 * service through the real gateway. Depends on booking's sessions contract and inventory's stock
 * mutations; if either changes its API, this test says so first.
 */
import { makeNik } from '@victori/shared';
import { gql } from '@victori/shared/testing';
import { startTestPlatform, type TestPlatform } from '../../../platform/src/testing.js';
import { addDays, jakartaDate } from './modules/schedule/schedule.dates.js';

const CITY_STORE = '6f1c2a10-0000-4000-8000-000000000001';
const MIROTO = '6f1c2a10-0000-4000-8000-000000000002';
const BANDARHARJO = '6f1c2a10-0000-4000-8000-000000000003';
const today = jakartaDate(new Date());

describe('dueAndAvailableSessions: what the child needs, where there are places and stock', () => {
  let platform: TestPlatform;
  const tokens: Record<string, string> = {};
  const call = <T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(platform.gatewayUrl, query, variables, { token: tokens[who]! });

  beforeAll(async () => {
    platform = await startTestPlatform('duesessions');
    tokens.admin = await platform.token({ role: 'admin', sub: 'admin-1' });
    tokens.parent = await platform.token({ role: 'citizen', sub: 'citizen-parent' });
    tokens.stranger = await platform.token({ role: 'citizen', sub: 'citizen-stranger' });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('lists only sessions of products the child is due for, with places and usable stock, in the area', async () => {
    // Stock: more PENTABIO reaches Miroto.
    const received = await call<{ receiveStock: { lot: { id: string } } }>(
      'admin',
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
      { i: { productCode: 'PENTABIO', lotNumber: 'PB-1', expiryDate: addDays(today, 365), doses: 100 } },
    );
    expect(received.errors).toBeUndefined();
    const moved = await call('admin', `mutation($i: TransferStockInput!) { transferStock(input: $i) { lot { id } } }`, {
      i: { fromFacilityId: CITY_STORE, toFacilityId: MIROTO, lotId: received.data!.receiveStock.lot.id, doses: 50 },
    });
    expect(moved.errors).toBeUndefined();
    const CREATE = `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id } } }`;
    const day = addDays(today, 3);
    const sessions: Record<string, string> = {};
    for (const [name, facilityId, productCode, doseKinds] of [
      ['mirotoPenta', MIROTO, 'PENTABIO', ['DPT-HB-HIB1', 'DPT-HB-HIB2', 'DPT-HB-HIB3']],
      ['mirotoMr', MIROTO, 'MR', ['MR1', 'MR2']],
      ['bandarharjoPenta', BANDARHARJO, 'PENTABIO', ['DPT-HB-HIB1']],
    ] as const) {
      const res = await call<{ createSession: { session: { id: string } } }>('admin', CREATE, {
        i: { facilityId, date: day, startTime: '08:00', endTime: '11:00', productCode, doseKinds, capacity: 30 },
      });
      expect(res.errors).toBeUndefined();
      sessions[name] = res.data!.createSession.session.id;
    }
    // A child of 9 weeks whose birth dose is recorded: DPT-HB-Hib 1 is due.
    const child = await call<{ registerChild: { id: string } }>(
      'parent',
      `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
      {
        i: {
          fullName: 'Raka',
          birthDate: addDays(today, -63),
          sex: 'MALE',
          motherNik: makeNik('337401', '1996-08-09', 'FEMALE', 2),
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
    );
    const childId = child.data!.registerChild.id;
    const QUERY = `query($p: ID!, $from: Date!, $to: Date!, $kec: String) {
      dueAndAvailableSessions(personId: $p, from: $from, to: $to, kecamatanCode: $kec) { sessionId date productCode remainingPlaces usableDoses facilityName doses { doseKind status } } }`;
    expect(
      (await call('stranger', QUERY, { p: childId, from: today, to: addDays(today, 14), kec: '33.74.01' })).errors![0]!.extensions!.code,
    ).toBe('FORBIDDEN');
    // Stock reaches booking through events: wait (bounded) for the session to become bookable.
    let found: { sessionId: string; doses: { doseKind: string }[] }[] = [];
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const res = await call<{ dueAndAvailableSessions: typeof found }>('parent', QUERY, {
        p: childId,
        from: today,
        to: addDays(today, 14),
        kec: '33.74.01',
      });
      expect(res.errors).toBeUndefined();
      found = res.data!.dueAndAvailableSessions;
      if (found.length) break;
    }
    expect(found.map((s) => s.sessionId)).toEqual([sessions.mirotoPenta]);
    expect(found[0]).toMatchObject({ productCode: 'PENTABIO', facilityName: 'Puskesmas Miroto', doses: [{ doseKind: 'DPT-HB-HIB1' }] });
    // Another kecamatan: its own pentavalent session (with the stock inventory holds there), never the MR one.
    const elsewhere = await call<{ dueAndAvailableSessions: { sessionId: string; usableDoses: number }[] }>('parent', QUERY, {
      p: childId,
      from: today,
      to: addDays(today, 14),
      kec: '33.74.02',
    });
    expect(elsewhere.data!.dueAndAvailableSessions.map((s) => s.sessionId)).toEqual([sessions.bandarharjoPenta]);
    expect(elsewhere.data!.dueAndAvailableSessions[0]!.usableDoses).toBeGreaterThan(0);
  });

  test('a due session comes with its slots and places, so the parent books without a second call', async () => {
    const child = await call<{ registerChild: { id: string } }>(
      'parent',
      `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
      {
        i: {
          fullName: 'Sekar',
          birthDate: addDays(today, -63),
          sex: 'FEMALE',
          motherNik: makeNik('337401', '1995-02-03', 'FEMALE', 4),
          residenceKelurahanCode: '33.74.01.1001',
        },
      },
    );
    const res = await call<{
      dueAndAvailableSessions: { sessionId: string; session: { id: string; slots: { id: string; remainingPlaces: number }[] } }[];
    }>(
      'parent',
      `query($p: ID!, $from: Date!, $to: Date!) {
        dueAndAvailableSessions(personId: $p, from: $from, to: $to, kecamatanCode: "33.74.01") { sessionId session { id slots { id startTime remainingPlaces } } } }`,
      { p: child.data!.registerChild.id, from: today, to: addDays(today, 14) },
    );
    expect(res.errors).toBeUndefined();
    const [due] = res.data!.dueAndAvailableSessions;
    expect(due!.session.id).toBe(due!.sessionId);
    expect(due!.session.slots.length).toBeGreaterThan(0);
    expect(due!.session.slots.some((s) => s.remainingPlaces > 0)).toBe(true);
  });

  test("dueChildren: the facility's kelurahan's children with doses due; a dose recorded there is no longer due", async () => {
    tokens.miroto = await platform.token({ role: 'health-worker', sub: 'hw-due-miroto', facilityId: MIROTO });
    tokens.bandarharjo = await platform.token({ role: 'health-worker', sub: 'hw-due-bandarharjo', facilityId: BANDARHARJO });
    const register = async (fullName: string, birthDate: string, kelurahan: string, n: number): Promise<string> => {
      const res = await call<{ registerChild: { id: string } }>(
        'parent',
        `mutation($i: RegisterChildInput!) { registerChild(input: $i) { id } }`,
        {
          i: {
            fullName,
            birthDate,
            sex: 'FEMALE',
            motherNik: makeNik('337401', '1995-03-04', 'FEMALE', n),
            residenceKelurahanCode: kelurahan,
          },
        },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.registerChild.id;
    };
    // Sinta (6 weeks, Miroto's kelurahan), Tono (past the routine schedule's six years), Umar (Bandarharjo's kelurahan).
    const sinta = await register('Sinta', addDays(today, -45), '33.74.01.1001', 11);
    const tono = await register('Tono', addDays(today, -2500), '33.74.01.1001', 12);
    const umar = await register('Umar', addDays(today, -45), '33.74.02.1001', 13);
    const DUE = `query($f: ID!) { dueChildren(facilityId: $f) { personId fullName birthDate dueDoses { doseKind status productCodes } } }`;
    const due = async () =>
      (
        await call<{
          dueChildren: { personId: string; fullName: string; dueDoses: { doseKind: string; status: string; productCodes: string[] }[] }[];
        }>('miroto', DUE, { f: MIROTO })
      ).data!.dueChildren;
    const before = await due();
    const ids = before.map((c) => c.personId);
    expect(ids).toContain(sinta);
    expect(ids).not.toContain(tono);
    expect(ids).not.toContain(umar);
    const sintaDue = before.find((c) => c.personId === sinta)!;
    expect(sintaDue.fullName).toBe('Sinta');
    expect(sintaDue.dueDoses.map((d) => d.doseKind)).toEqual(expect.arrayContaining(['BCG', 'OPV1']));
    expect(sintaDue.dueDoses.find((d) => d.doseKind === 'BCG')).toMatchObject({ status: 'DUE', productCodes: ['BCG'] });
    // Being on the due list is not a read grant: Sinta's record stays closed to Miroto until a dose is given there.
    const PERSON = `query($id: ID!) { person(id: $id) { id } }`;
    expect((await call('miroto', PERSON, { id: sinta })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const RECORD = `mutation($i: RecordDoseInput!) { recordDose(input: $i) { id facility { id } } }`;
    const bcg = (personId: string) => ({
      i: {
        personId,
        programme: 'ROUTINE_CHILD',
        doseKind: 'BCG',
        productCode: 'BCG',
        lotNumber: 'BCG-DUE-1',
        administeredAt: new Date().toISOString(),
      },
    });
    // Bandarharjo's worker may not record for Miroto's kelurahan's child; Miroto's may, without an appointment.
    expect((await call('bandarharjo', RECORD, bcg(sinta))).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const recorded = await call<{ recordDose: { facility: { id: string } } }>('miroto', RECORD, bcg(sinta));
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordDose.facility.id).toBe(MIROTO);
    expect((await call('miroto', PERSON, { id: sinta })).errors).toBeUndefined();
    const after = (await due()).find((c) => c.personId === sinta)!;
    expect(after.dueDoses.map((d) => d.doseKind)).not.toContain('BCG');
    expect(after.dueDoses.map((d) => d.doseKind)).toContain('OPV1');
    // Another facility's list, and partners, are refused; Bandarharjo's own list has Umar.
    expect((await call('bandarharjo', DUE, { f: MIROTO })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const theirs = await call<{ dueChildren: { personId: string }[] }>('bandarharjo', DUE, { f: BANDARHARJO });
    expect(theirs.data!.dueChildren.map((c) => c.personId)).toEqual(expect.arrayContaining([umar]));
    expect(theirs.data!.dueChildren.map((c) => c.personId)).not.toContain(sinta);
    // A date that is not YYYY-MM-DD is a typed error on asOf.
    const badDate = await call('miroto', `query($f: ID!, $a: String) { dueChildren(facilityId: $f, asOf: $a) { personId } }`, {
      f: MIROTO,
      a: 'yesterday',
    });
    expect(badDate.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf' });
  });
});

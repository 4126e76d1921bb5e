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
});

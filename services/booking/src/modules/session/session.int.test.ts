import { QueryCounter } from '@victori/shared';
import { BANDARHARJO, BookingKit, code, field, inDays, MIROTO, person, SESSION_FIELDS } from '../../testing/kit.js';

const counter = new QueryCounter();
let kit: BookingKit;
beforeAll(async () => {
  kit = await BookingKit.start('sessions', {}, {}, counter);
  await kit.usableStock(MIROTO, 'PFIZER', 1000);
  await kit.usableStock(BANDARHARJO, 'CORONAVAC', 1000);
});
afterAll(async () => {
  await kit?.close();
});

const hw = { role: 'health-worker' as const, facilityId: MIROTO, sub: 'hw-1' };
const CREATE = `mutation($input: CreateSessionInput!) { createSession(input: $input) { session { ${SESSION_FIELDS} } } }`;
const valid = () => ({
  facilityId: MIROTO,
  date: inDays(7),
  startTime: '08:00',
  endTime: '12:00',
  productCode: 'PFIZER',
  doseKinds: ['PRIMARY_1'],
  capacity: 100,
});

describe('facilities', () => {
  const FIELDS = `id code name type kelurahanCode kecamatanCode address latitude longitude phone email openingHours { weekday opens closes } active`;
  const input = {
    code: 'KLINIK-UNDIP',
    name: 'Klinik Pratama Universitas Diponegoro',
    type: 'UNIVERSITY',
    kelurahanCode: '33.74.01.1001',
    address: 'Jl. Prof. Soedarto',
    latitude: -7.05,
    longitude: 110.44,
    phone: '0247460000',
    email: 'klinik@undip.example',
    openingHours: [{ weekday: 1, opens: '08:00', closes: '15:00' }],
  };

  test('admins create and edit them; the public lists them by kecamatan, kelurahan and type', async () => {
    const created = await kit.gql<{ createFacility: { id: string; kecamatanCode: string } }>(
      `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { ${FIELDS} } }`,
      { input },
      { role: 'admin' },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createFacility).toMatchObject({ kecamatanCode: '33.74.01', email: 'klinik@undip.example' });
    const id = created.data!.createFacility.id;
    const updated = await kit.gql(
      `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { name phone openingHours { weekday } } }`,
      { id, input: { name: 'Klinik UNDIP', phone: '0247460001', openingHours: [{ weekday: 6, opens: '08:00', closes: '12:00' }] } },
      { role: 'admin' },
    );
    expect(updated.data).toEqual({ updateFacility: { name: 'Klinik UNDIP', phone: '0247460001', openingHours: [{ weekday: 6 }] } });
    const list = await kit.gql<{ facilities: { edges: { node: { id: string } }[] } }>(
      `{ facilities(kecamatanCode: "33.74.01", type: UNIVERSITY) { edges { node { id } } } }`,
    );
    expect(list.data!.facilities.edges.map((e) => e.node.id)).toEqual([id]);
    const byKelurahan = await kit.gql<{ facilities: { edges: { node: { code: string } }[] } }>(
      `{ facilities(kelurahanCode: "33.74.01.1001") { edges { node { code } } } }`,
    );
    expect(byKelurahan.data!.facilities.edges.map((e) => e.node.code).sort()).toEqual(['KLINIK-UNDIP', 'PKM-MIROTO']);

    // The register is a cursor connection: pages of three walk every facility once, in name order.
    type Page = {
      facilities: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { name: string } }[] };
    };
    const names: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const page: Awaited<ReturnType<typeof kit.gql<Page>>> = await kit.gql<Page>(
        `query($after: String) { facilities(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`,
        { after },
      );
      total = page.data!.facilities.totalCount;
      names.push(...page.data!.facilities.edges.map((e) => e.node.name));
      if (!page.data!.facilities.pageInfo.hasNextPage) break;
      after = page.data!.facilities.pageInfo.endCursor;
    }
    expect(names).toHaveLength(total);
    expect(total).toBeGreaterThan(3);
    expect(new Set(names).size).toBe(names.length);
    const all = await kit.gql<Page>(`{ facilities(first: 200) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`);
    expect(all.data!.facilities.edges.map((e) => e.node.name)).toEqual(names);
  });

  test('only admins; a duplicate code is CONFLICT; bad values are field errors', async () => {
    const M = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`;
    expect(code(await kit.gql(M, { input }, hw))).toBe('FORBIDDEN');
    expect(code(await kit.gql(M, { input }))).toBe('UNAUTHENTICATED');
    const dup = await kit.gql(M, { input: { ...input, code: 'PKM-MIROTO' } }, { role: 'admin' });
    expect([code(dup), field(dup)]).toEqual(['CONFLICT', 'code']);
    for (const [change, f] of [
      [{ kelurahanCode: '33.74.99.9999' }, 'kelurahanCode'],
      [{ latitude: 200 }, 'latitude'],
      [{ phone: 'call me' }, 'phone'],
      [{ openingHours: [{ weekday: 8, opens: '08:00', closes: '09:00' }] }, 'openingHours.0.weekday'],
      [{ openingHours: [{ weekday: 1, opens: '10:00', closes: '09:00' }] }, 'openingHours.0.closes'],
    ] as const) {
      const res = await kit.gql(M, { input: { ...input, code: 'NEW-ONE', ...change } }, { role: 'admin' });
      expect([code(res), field(res)]).toEqual(['BAD_USER_INPUT', f]);
    }
  });

  test('every wrong field of one submission at once, nothing saved (the admin form shows them together)', async () => {
    const M = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`;
    const res = await kit.gql(
      M,
      {
        input: {
          ...input,
          code: 'X',
          phone: 'call me',
          kelurahanCode: '33.74.99.9999',
          openingHours: [
            { weekday: 1, opens: '08:00', closes: '12:00' },
            { weekday: 2, opens: '10:00', closes: '09:00' },
          ],
        },
      },
      { role: 'admin' },
    );
    expect([code(res), field(res)]).toEqual(['BAD_USER_INPUT', 'code']);
    const fields = (res.errors![0]!.extensions!.fields as { field: string; messageEn: string }[]).map((f) => f.field);
    expect(fields).toEqual(['code', 'phone', 'openingHours.1.closes', 'kelurahanCode']);
    const M2 = `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { id } }`;
    const upd = await kit.gql(
      M2,
      { id: MIROTO, input: { name: ' ', openingHours: [{ weekday: 6, opens: '12:00', closes: '08:00' }] } },
      { role: 'admin' },
    );
    expect((upd.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field)).toEqual(['name', 'openingHours.0.closes']);
    const miroto = await kit.gql<{ facility: { name: string } }>(`query($id: ID!) { facility(id: $id) { name } }`, { id: MIROTO });
    expect(miroto.data!.facility.name).toBe('Puskesmas Miroto');
  });
});

describe('sessions and slots', () => {
  test('health workers of the facility and admins create sessions; others are refused', async () => {
    expect((await kit.gql(CREATE, { input: valid() }, hw)).errors).toBeUndefined();
    expect(code(await kit.gql(CREATE, { input: valid() }, { role: 'health-worker', facilityId: BANDARHARJO, sub: 'hw-2' }))).toBe(
      'FORBIDDEN',
    );
    expect(code(await kit.gql(CREATE, { input: valid() }, { role: 'citizen', sub: 'c-1' }))).toBe('FORBIDDEN');
    expect(code(await kit.gql(CREATE, { input: valid() }))).toBe('UNAUTHENTICATED');
    const opened = await kit.sql<{ n: number }>(`select count(*)::int as n from outbox where type = 'session.opened'`);
    expect(opened[0]!.n).toBeGreaterThanOrEqual(1);
  });

  test.each([
    [{ productCode: 'NOPE' }, 'productCode'],
    [{ doseKinds: [] }, 'doseKinds'],
    [{ productCode: 'SINOPHARM', doseKinds: ['BOOSTER_2'] }, 'doseKinds'],
    [{ programme: 'ROUTINE_CHILD' }, 'programme'],
    [{ date: inDays(-1) }, 'date'],
    [{ date: '2026-02-30' }, 'date'],
    [{ startTime: '8am' }, 'startTime'],
    [{ endTime: '07:00' }, 'endTime'],
    [{ capacity: 0 }, 'capacity'],
    [{ slotMinutes: 1 }, 'slotMinutes'],
  ])('%o is BAD_USER_INPUT on %s', async (change, f) => {
    const res = await kit.gql(CREATE, { input: { ...valid(), ...change } }, hw);
    expect([code(res), field(res)]).toEqual(['BAD_USER_INPUT', f]);
  });

  test('capacity may not go below what is booked; raising or lowering it keeps every slot at or above its bookings', async () => {
    const s = await kit.createSession({ capacity: 4, startTime: '08:00', endTime: '09:00' }, hw);
    for (let i = 0; i < 2; i++) await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: s.slots[0]!.id });
    const U = `mutation($id: ID!, $input: UpdateSessionInput!) { updateSession(id: $id, input: $input) { session { capacity remainingPlaces slots { capacity remainingPlaces } } } }`;
    const below = await kit.gql(U, { id: s.id, input: { capacity: 1 } }, hw);
    expect([code(below), field(below)]).toEqual(['CONFLICT', 'capacity']);
    expect(below.errors![0]!.extensions!.booked).toBe(2);
    const exact = await kit.gql(U, { id: s.id, input: { capacity: 2 } }, hw);
    expect(exact.data).toEqual({
      updateSession: {
        session: {
          capacity: 2,
          remainingPlaces: 0,
          slots: [
            { capacity: 2, remainingPlaces: 0 },
            { capacity: 0, remainingPlaces: 0 },
          ],
        },
      },
    });
    const raised = await kit.gql(U, { id: s.id, input: { capacity: 10 } }, hw);
    expect(raised.data).toEqual({
      updateSession: {
        session: {
          capacity: 10,
          remainingPlaces: 8,
          slots: [
            { capacity: 5, remainingPlaces: 3 },
            { capacity: 5, remainingPlaces: 5 },
          ],
        },
      },
    });
    const moved = await kit.gql(U, { id: s.id, input: { date: inDays(9) } }, hw);
    expect([code(moved), field(moved)]).toEqual(['CONFLICT', 'date']);
    expect(
      code(await kit.gql(U, { id: s.id, input: { capacity: 12 } }, { role: 'health-worker', facilityId: BANDARHARJO, sub: 'x' })),
    ).toBe('FORBIDDEN');
    const types = await kit.sql<{ type: string }>(`select type from outbox where aggregate_id = ? order by id`, [s.id]);
    expect(types.map((t) => t.type)).toEqual(['session.opened', 'session.changed', 'session.changed']);
    const closed = await kit.gql(`mutation($id: ID!) { closeSession(id: $id) { status remainingPlaces } }`, { id: s.id }, hw);
    expect(closed.data).toEqual({ closeSession: { status: 'CLOSED', remainingPlaces: 0 } });
    expect(
      (await kit.sql<{ type: string }>(`select type from outbox where aggregate_id = ? order by id desc limit 1`, [s.id]))[0]!.type,
    ).toBe('session.closed');
  });

  test('an unbooked session may move to another date and product; its slots are cut again', async () => {
    const s = await kit.createSession({ capacity: 6, startTime: '08:00', endTime: '09:00' }, hw);
    const res = await kit.gql<{ updateSession: { session: { date: string; productCode: string; slots: unknown[] } } }>(
      `mutation($id: ID!, $input: UpdateSessionInput!) { updateSession(id: $id, input: $input) { session { date productCode slots { startTime capacity } } } }`,
      { id: s.id, input: { date: inDays(12), productCode: 'MODERNA', slotMinutes: 20 } },
      hw,
    );
    expect(res.data!.updateSession.session).toEqual({
      date: inDays(12),
      productCode: 'MODERNA',
      slots: [
        { startTime: '08:00', capacity: 2 },
        { startTime: '08:20', capacity: 2 },
        { startTime: '08:40', capacity: 2 },
      ],
    });
  });
});

describe('public search', () => {
  const SEARCH = `query($filter: SessionFilter, $first: Int, $after: String) {
    sessions(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id date startTime remainingPlaces servedCount productCode product { code } facility { code kecamatanCode } slots { startTime remainingPlaces } } }
    }
  }`;
  type Page = {
    sessions: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { id: string; date: string; startTime: string; facility: { code: string } } }[];
    };
  };
  const ids: string[] = [];

  beforeAll(async () => {
    // Bandarharjo (kecamatan 33.74.02): 6 CoronaVac sessions over three days.
    for (const day of [20, 21, 22]) {
      for (const startTime of ['13:00', '08:00']) {
        const s = await kit.createSession({
          facilityId: BANDARHARJO,
          date: inDays(day),
          startTime,
          endTime: startTime === '08:00' ? '10:00' : '15:00',
          productCode: 'CORONAVAC',
          doseKinds: ['PRIMARY_1', 'PRIMARY_2'],
          capacity: 4,
        });
        ids.push(s.id);
      }
    }
  });

  test('filters by kecamatan, date range, product and dose kind, sorted by date and start time', async () => {
    const res = await kit.gql<Page>(SEARCH, {
      filter: {
        kecamatanCode: '33.74.02',
        dateFrom: inDays(20),
        dateTo: inDays(21),
        productCodes: ['CORONAVAC'],
        doseKind: 'PRIMARY_2',
        programme: 'COVID19',
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.sessions.totalCount).toBe(4);
    expect(res.data!.sessions.edges.map((e) => [e.node.date, e.node.startTime])).toEqual([
      [inDays(20), '08:00'],
      [inDays(20), '13:00'],
      [inDays(21), '08:00'],
      [inDays(21), '13:00'],
    ]);
    const none = await kit.gql<Page>(SEARCH, { filter: { kecamatanCode: '33.74.02', doseKind: 'BOOSTER_1' } });
    expect(none.data!.sessions.totalCount).toBe(0);
  });

  test('cursor pagination walks every session once; hasPlaces hides full ones', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Awaited<ReturnType<typeof kit.gql<Page>>> = await kit.gql<Page>(SEARCH, {
        filter: { productCode: 'CORONAVAC' },
        first: 4,
        after,
      });
      expect(res.data!.sessions.totalCount).toBe(6);
      seen.push(...res.data!.sessions.edges.map((e) => e.node.id));
      if (!res.data!.sessions.pageInfo.hasNextPage) break;
      after = res.data!.sessions.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    const s = await kit.session(ids[0]!);
    for (const slot of s.slots) {
      for (let i = 0; i < slot.capacity; i++) await kit.book({ ...person(), doseKind: 'PRIMARY_1', slotId: slot.id });
    }
    const open = await kit.gql<Page>(SEARCH, { filter: { productCode: 'CORONAVAC', hasPlaces: true } });
    expect(open.data!.sessions.totalCount).toBe(5);
    expect(open.data!.sessions.edges.map((e) => e.node.id)).not.toContain(ids[0]);
    expect(code(await kit.gql(SEARCH, { after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(field(await kit.gql(SEARCH, { first: 1000 }))).toBe('first');
    expect(field(await kit.gql(SEARCH, { filter: { dateFrom: 'tomorrow' } }))).toBe('dateFrom'); // GraphQL's coercion names the field below the variable $filter
  });

  test.each([1, 6])('a page of %i sessions with facility and slots costs the same SQL statements', async (first) => {
    counter.reset();
    const res = await kit.gql<Page>(SEARCH, { filter: { productCode: 'CORONAVAC' }, first });
    expect(res.data!.sessions.edges).toHaveLength(first);
    // page + count + facilities + slots, whatever the page size
    expect(counter.count).toBe(4);
  });

  test('without totalCount the count statement is left out; with it (also through a fragment) it is there and right', async () => {
    const filter = { productCode: 'CORONAVAC' };
    counter.reset();
    const bare = await kit.gql<Page>(
      `query($filter: SessionFilter) { sessions(filter: $filter, first: 2) { edges { node { id } } pageInfo { hasNextPage } } }`,
      {
        filter,
      },
    );
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.sessions.pageInfo.hasNextPage).toBe(true);
    expect(counter.count).toBe(1);
    counter.reset();
    const counted = await kit.gql<Page>(
      `query($filter: SessionFilter) { sessions(filter: $filter, first: 2) { ...Counted edges { node { id } } } } fragment Counted on SessionConnection { totalCount }`,
      { filter },
    );
    expect(counted.data!.sessions.totalCount).toBe(6);
    expect(counter.count).toBe(2);
  });
});

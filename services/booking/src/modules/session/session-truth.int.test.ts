import { addDays, localNow, timeOf } from '../../time.js';
import { BANDARHARJO, BookingKit, inDays, MIROTO, SESSION_FIELDS } from '../../testing/kit.js';

/**
 * Sessions tell the truth: what a parent or a nurse reads about places is what booking would accept,
 * and planning a session without the stock for it says so.
 */
let kit: BookingKit;
beforeAll(async () => {
  kit = await BookingKit.start('session-truth');
  await kit.usableStock(MIROTO, 'PFIZER', 1000);
  await kit.usableStock(MIROTO, 'MODERNA', 3);
});
afterAll(async () => {
  await kit?.close();
});

const hw = { role: 'health-worker' as const, facilityId: MIROTO, sub: 'hw-truth' };
const CREATE = `mutation($input: CreateSessionInput!) {
  createSession(input: $input) { session { ${SESSION_FIELDS} } warnings { code message messageEn usableStock openPlaces } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSessionInput!) {
  updateSession(id: $id, input: $input) { session { id capacity } warnings { code usableStock openPlaces } } }`;

interface Created {
  createSession: {
    session: { id: string; remainingPlaces: number; slots: { id: string; remainingPlaces: number }[] };
    warnings: { code: string; message: string; messageEn: string; usableStock: number; openPlaces: number }[];
  };
}

const plan = (input: Record<string, unknown>) =>
  kit.gql<Created>(
    CREATE,
    {
      input: {
        facilityId: MIROTO,
        date: inDays(5),
        startTime: '08:00',
        endTime: '09:00',
        productCode: 'PFIZER',
        doseKinds: ['PRIMARY_1'],
        capacity: 10,
        ...input,
      },
    },
    hw,
  );

async function readSession(id: string) {
  const res = await kit.gql<{ session: { remainingPlaces: number; slots: { startTime: string; remainingPlaces: number }[] } }>(
    `query($id: ID!) { session(id: $id) { remainingPlaces slots { startTime remainingPlaces } } }`,
    { id },
  );
  return res.data!.session;
}

async function withPlaces(date: string): Promise<string[]> {
  const res = await kit.gql<{ sessions: { edges: { node: { id: string } }[] } }>(
    `query($f: SessionFilter) { sessions(filter: $f, first: 500) { edges { node { id } } } }`,
    { f: { dateFrom: addDays(date, -1), dateTo: date, hasPlaces: true } },
  );
  return res.data!.sessions.edges.map((e) => e.node.id);
}

describe('a session or slot whose time has passed (Asia/Jakarta) offers no places', () => {
  test('a session of yesterday shows 0 places, every slot 0, and is not listed as having places', async () => {
    const created = await plan({});
    const id = created.data!.createSession.session.id;
    expect(created.data!.createSession.session.remainingPlaces).toBe(10);
    await kit.shiftSession(id, inDays(-1));
    const read = await readSession(id);
    expect(read.remainingPlaces).toBe(0);
    expect(read.slots.map((s) => s.remainingPlaces)).toEqual([0, 0]);
    expect(await withPlaces(inDays(-1))).not.toContain(id);
  });

  test('a session of today that has already ended shows 0 places and is not listed as having places', async () => {
    const now = localNow();
    // At 00:00 WIB no session of today can have ended yet; the rule has nothing to show then.
    if (now.minutes < 2) return;
    const created = await plan({});
    const id = created.data!.createSession.session.id;
    await kit.sql(`update session set date = ?::date, start_time = '00:00', end_time = ? where id = ?`, [
      now.date,
      timeOf(now.minutes - 1),
      id,
    ]);
    await kit.sql(`update slot set start_time = '00:00', end_time = ? where session_id = ?`, [timeOf(now.minutes - 1), id]);
    const read = await readSession(id);
    expect(read.remainingPlaces).toBe(0);
    expect(read.slots.every((s) => s.remainingPlaces === 0)).toBe(true);
    expect(await withPlaces(now.date)).not.toContain(id);
  });

  test('later today: a slot that has started shows 0 places while the session and its later slots stay bookable', async () => {
    const now = localNow();
    // The session must span now with a slot started and one still ahead: not possible in the first or last hour of the day.
    if (now.minutes < 60 || now.minutes > 22 * 60) return;
    const created = await plan({});
    const id = created.data!.createSession.session.id;
    const [first, second] = created.data!.createSession.session.slots;
    await kit.sql(`update session set date = ?::date, start_time = ?, end_time = ? where id = ?`, [
      now.date,
      timeOf(now.minutes - 30),
      timeOf(now.minutes + 60),
      id,
    ]);
    await kit.sql(`update slot set start_time = ?, end_time = ? where id = ?`, [
      timeOf(now.minutes - 30),
      timeOf(now.minutes + 1),
      first!.id,
    ]);
    await kit.sql(`update slot set start_time = ?, end_time = ? where id = ?`, [
      timeOf(now.minutes + 1),
      timeOf(now.minutes + 60),
      second!.id,
    ]);
    const read = await readSession(id);
    expect(read.slots.map((s) => s.remainingPlaces)).toEqual([0, 5]);
    expect(read.remainingPlaces).toBeGreaterThan(0);
    expect(await withPlaces(now.date)).toContain(id);
  });

  test('a session of tomorrow keeps its places and is listed as having places', async () => {
    const created = await plan({ date: inDays(1) });
    const id = created.data!.createSession.session.id;
    expect((await readSession(id)).remainingPlaces).toBe(10);
    expect(await withPlaces(inDays(1))).toContain(id);
  });
});

describe('planning a session warns, without refusing, when usable stock cannot fill it', () => {
  test('enough usable stock: the session is saved with no warning', async () => {
    const res = await plan({});
    expect(res.errors).toBeUndefined();
    expect(res.data!.createSession.warnings).toEqual([]);
  });

  test('usable stock below the places: STOCK_BELOW_CAPACITY with the stock and the places, in both languages', async () => {
    const res = await plan({ productCode: 'MODERNA', capacity: 10 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createSession.session.remainingPlaces).toBe(3);
    expect(res.data!.createSession.warnings).toEqual([
      {
        code: 'STOCK_BELOW_CAPACITY',
        message: expect.stringContaining('3 dosis') as unknown,
        messageEn: expect.stringContaining('3 doses') as unknown,
        usableStock: 3,
        openPlaces: 10,
      },
    ]);
  });

  test('no usable stock at all: NO_USABLE_STOCK, and the session is saved with 0 places', async () => {
    const res = await plan({ productCode: 'CORONAVAC', capacity: 10 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.createSession.session.remainingPlaces).toBe(0);
    expect(res.data!.createSession.warnings.map((w) => [w.code, w.usableStock, w.openPlaces])).toEqual([['NO_USABLE_STOCK', 0, 10]]);
  });

  test('changing a session warns the same way: raising capacity above the stock, or lowering it to fit', async () => {
    const created = await plan({ productCode: 'MODERNA', capacity: 2 });
    expect(created.data!.createSession.warnings).toEqual([]);
    const id = created.data!.createSession.session.id;
    const raised = await kit.gql<{ updateSession: { warnings: { code: string; usableStock: number; openPlaces: number }[] } }>(
      UPDATE,
      { id, input: { capacity: 8 } },
      hw,
    );
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.updateSession.warnings).toEqual([{ code: 'STOCK_BELOW_CAPACITY', usableStock: 3, openPlaces: 8 }]);
    const lowered = await kit.gql<{ updateSession: { warnings: unknown[] } }>(UPDATE, { id, input: { capacity: 3 } }, hw);
    expect(lowered.data!.updateSession.warnings).toEqual([]);
  });

  test('a health worker of another facility still may not plan there: warnings never replace the access rule', async () => {
    const res = await kit.gql(
      CREATE,
      {
        input: {
          facilityId: MIROTO,
          date: inDays(5),
          startTime: '08:00',
          endTime: '09:00',
          productCode: 'PFIZER',
          doseKinds: ['PRIMARY_1'],
          capacity: 10,
        },
      },
      { role: 'health-worker', facilityId: BANDARHARJO, sub: 'hw-other' },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data?.createSession ?? null).toBeNull();
  });
});

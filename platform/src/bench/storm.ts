import pg from 'pg';
import { gql } from '@victori/shared/testing';
import type { LoadResult } from './load.js';
import { stormPerson } from './storm-people.js';

export const STORM_MUTATION = `mutation Book($input: BookAppointmentInput!) {
  bookAppointment(input: $input) { id queueNumber slipCode status }
}`;

export const STORM_PRODUCT = 'PFIZER';
const PLACES_PER_SESSION = 500;

/** Ten sessions of 500 places, one at each of ten facilities. */
export interface SessionSet {
  sessions: string[];
  slots: string[];
}

export interface StormSetup {
  doseKind: string;
  date: string;
  gatewaySessions: string[];
  gatewaySlots: string[];
  /** A fresh set of ten sessions for each run at PostgreSQL (the ceiling and its variants). */
  ceilingSets: SessionSet[];
}

/** Tomorrow in Asia/Jakarta (sessions today close at the same-day cut-off). */
export function tomorrowJakarta(): string {
  const now = new Date(Date.now() + 7 * 3600_000);
  now.setUTCDate(now.getUTCDate() + 1);
  return now.toISOString().slice(0, 10);
}

export async function must<T>(p: Promise<{ data?: T; errors?: unknown[] }>, what: string): Promise<T> {
  const res = await p;
  if (res.errors?.length || !res.data) throw new Error(`${what} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/**
 * Ten sessions of 500 places (10 slots of 50) for the gateway run, and `ceilingRuns` fresh sets of ten
 * for the runs straight at PostgreSQL (each set at the same ten other facilities), at twenty facilities
 * that received real stock through inventory (receive into the city store, transfer); booking learns the
 * usable stock from inventory's events before the storm starts. The ceiling facilities get stock for
 * every attempt of every run (a naive variant may sell more than the places), so stock never decides.
 */
export async function setupStorm(gatewayUrl: string, adminToken: string, ceilingRuns: number, attemptsPerRun: number): Promise<StormSetup> {
  const opts = { token: adminToken };
  const facilities = (
    await must(
      gql<{ facilities: { edges: { node: { id: string; type: string } }[] } }>(
        gatewayUrl,
        `{ facilities { edges { node { id type } } } }`,
        {},
        opts,
      ),
      'facilities',
    )
  ).facilities.edges.map((e) => e.node);
  const chosen = facilities.filter((f) => f.type !== 'CITY_STORE').slice(0, 20);
  if (chosen.length < 20) throw new Error('need 20 facilities for the storm');
  const ceilingStock = ceilingRuns * Math.max(PLACES_PER_SESSION, Math.ceil(attemptsPerRun / 10)) + 100;
  const stockFor = (i: number): number => (i < 10 ? PLACES_PER_SESSION + 100 : ceilingStock);
  const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
  await stockFacilities(gatewayUrl, adminToken, cityStore, `BENCH-${Date.now()}`, chosen, stockFor);
  const date = tomorrowJakarta();
  const hosts = [...chosen, ...Array.from({ length: ceilingRuns - 1 }, () => chosen.slice(10)).flat()];
  const sessions = await createStormSessions(gatewayUrl, adminToken, hosts, date, {
    startTime: '08:00',
    endTime: '13:00',
    capacity: PLACES_PER_SESSION,
  });
  await waitUntilBookable(gatewayUrl, date, sessions, PLACES_PER_SESSION, 'storm sessions');
  const gatewaySessions = sessions.slice(0, 10);
  return {
    doseKind: 'PRIMARY_1',
    date,
    gatewaySessions: gatewaySessions.map((s) => s.id),
    gatewaySlots: gatewaySessions.flatMap((s) => s.slots),
    ceilingSets: Array.from({ length: ceilingRuns }, (_, r) => {
      const set = sessions.slice(10 + 10 * r, 20 + 10 * r);
      return { sessions: set.map((s) => s.id), slots: set.flatMap((s) => s.slots) };
    }),
  };
}

/** Receives one lot of the storm product into the city store, then transfers `doses(i)` of it to the i-th facility. */
export async function stockFacilities(
  gatewayUrl: string,
  adminToken: string,
  cityStore: string,
  lotNumber: string,
  facilities: { id: string }[],
  doses: (i: number) => number,
): Promise<void> {
  const opts = { token: adminToken };
  const amounts = facilities.map((_, i) => doses(i));
  const received = await must(
    gql<{ receiveStock: { lot: { id: string } } }>(
      gatewayUrl,
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
      { i: { productCode: STORM_PRODUCT, lotNumber, expiryDate: '2030-12-31', doses: amounts.reduce((a, b) => a + b, 0) } },
      opts,
    ),
    'receiveStock',
  );
  for (const [i, f] of facilities.entries()) {
    await must(
      gql(
        gatewayUrl,
        `mutation($i: TransferStockInput!) { transferStock(input: $i) { lot { id } } }`,
        { i: { fromFacilityId: cityStore, toFacilityId: f.id, lotId: received.receiveStock.lot.id, doses: amounts[i] } },
        opts,
      ),
      'transferStock',
    );
  }
}

/** One PRIMARY_1 session of the storm product at each facility, in their order. */
export async function createStormSessions(
  gatewayUrl: string,
  adminToken: string,
  facilities: { id: string }[],
  date: string,
  shape: { startTime: string; endTime: string; capacity: number },
): Promise<{ id: string; slots: string[] }[]> {
  const sessions: { id: string; slots: string[] }[] = [];
  for (const f of facilities) {
    const created = await must(
      gql<{ createSession: { session: { id: string; slots: { id: string }[] } } }>(
        gatewayUrl,
        `mutation($i: CreateSessionInput!) { createSession(input: $i) { session { id slots { id } } } }`,
        { i: { facilityId: f.id, date, ...shape, productCode: STORM_PRODUCT, doseKinds: ['PRIMARY_1'], slotMinutes: 30 } },
        { token: adminToken },
      ),
      'createSession',
    );
    sessions.push({ id: created.createSession.session.id, slots: created.createSession.session.slots.map((s) => s.id) });
  }
  return sessions;
}

/** Booking caps places by the stock it learned from inventory's events: waits until every session sells all its places. */
export async function waitUntilBookable(
  gatewayUrl: string,
  date: string,
  sessions: { id: string }[],
  places: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await gql<{ sessions: { edges: { node: { id: string; remainingPlaces: number } }[] } }>(
      gatewayUrl,
      `query($f: SessionFilter) { sessions(filter: $f, first: 500) { edges { node { id remainingPlaces } } } }`,
      { f: { dateFrom: date, dateTo: date, productCode: STORM_PRODUCT } },
    );
    const remaining = new Map(res.data?.sessions.edges.map((e) => [e.node.id, e.node.remainingPlaces]) ?? []);
    if (sessions.every((s) => remaining.get(s.id) === places)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become bookable: ${JSON.stringify([...remaining])}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface StormCheck {
  confirmed: number;
  places: number;
  overbookedSlots: number;
  duplicatePeople: number;
  queueNumbersOk: boolean;
  http5xx: number;
  timeouts: number;
  untyped: number;
  correct: boolean;
}

const TYPED_REFUSALS = new Set(['SESSION_FULL', 'DUPLICATE', 'OVERLOADED', 'RATE_LIMITED']);

/** Reads the booking database after the storm: what users would notice if it were wrong. */
export async function verifyStorm(bookingDbUrl: string, sessionIds: string[], run: LoadResult): Promise<StormCheck> {
  const client = new pg.Client({ connectionString: bookingDbUrl });
  await client.connect();
  try {
    const one = async (sql: string): Promise<number> => Number((await client.query<{ n: string }>(sql, [sessionIds])).rows[0]!.n);
    const confirmed = await one(`select count(*) as n from appointment where session_id = any($1::uuid[]) and status = 'BOOKED'`);
    const places = await one(`select sum(capacity) as n from slot where session_id = any($1::uuid[])`);
    const overbookedSlots = await one(`
      select count(*) as n from slot sl
       where sl.session_id = any($1::uuid[])
         and (sl.booked > sl.capacity
              or (select count(*) from appointment a where a.slot_id = sl.id and a.status in ('BOOKED', 'CHECKED_IN')) > sl.capacity)`);
    const duplicatePeople = await one(`
      select count(*) as n from (select nik_hash, dose_kind from appointment
        where session_id = any($1::uuid[]) and status in ('BOOKED', 'CHECKED_IN') group by 1, 2 having count(*) > 1) d`);
    const badQueues = await one(`
      select count(*) as n from (select session_id, count(*) as c, count(distinct queue_number) as d, min(queue_number) as lo, max(queue_number) as hi
        from appointment where session_id = any($1::uuid[]) group by session_id) q
       where c <> d or lo <> 1 or hi <> c`);
    const http5xx = Object.entries(run.status)
      .filter(([s]) => s.startsWith('5') && s !== '503')
      .reduce((a, [, n]) => a + n, 0);
    const untyped = Object.entries(run.outcomes)
      .filter(([k]) => k !== 'OK' && !TYPED_REFUSALS.has(k))
      .reduce((a, [, n]) => a + n, 0);
    const check = {
      confirmed,
      places,
      overbookedSlots,
      duplicatePeople,
      queueNumbersOk: badQueues === 0,
      http5xx,
      timeouts: run.timeouts,
      untyped,
    };
    return {
      ...check,
      correct:
        confirmed === places &&
        overbookedSlots === 0 &&
        duplicatePeople === 0 &&
        badQueues === 0 &&
        http5xx === 0 &&
        run.timeouts === 0 &&
        untyped === 0,
    };
  } finally {
    await client.end();
  }
}

/** `?` placeholders (MikroORM) to `$n` (pg); our statements have no `?` inside literals. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export type CeilingVariant = 'atomic' | 'naive';

export interface CeilingResult {
  variant: CeilingVariant;
  poolSize: number;
  attempts: number;
  /** Live appointments in the run's sessions, read back from the database. */
  confirmed: number;
  places: number;
  /** Confirmed ÷ places: 1 is sold out exactly, above 1 is overselling. */
  soldRatio: number;
  overbookedSlots: number;
  /** Attempts that ended in a database error (rolled back). */
  errors: number;
  seconds: number;
  attemptsPerSecond: number;
  bookingsPerSecond: number;
}

/** The next queue number, taken on its own (a naive booking still needs unique queue numbers). */
const NAIVE_NEXT_QUEUE = `update session set next_queue = next_queue + 1 where id = $1 returning next_queue`;
const NAIVE_INSERT = `insert into appointment (id, session_id, slot_id, facility_id, programme, product_code, dose_kind, session_date, queue_number,
    slip_code, status, walk_in, nik_hash, nik_enc, name_enc, birth_date, sex, phone_hash, residence_kelurahan_code, booked_by)
  values ($1, $2, $3, $4, $5, $6, $7, $8::date, $9, $10, 'BOOKED', false, $11, $12, $13, $14::date, $15, $16, $17, null)`;
/** The counter as an ORM writes a changed field: the value it read, plus one. */
const NAIVE_SLOT_COUNTER = `update slot set booked = $2 where id = $1`;
const NAIVE_STOCK_COUNTER = `update stock_commitment set committed = committed + 1 where facility_id = $1 and product_code = $2`;

/**
 * Runs at PostgreSQL straight from `pg` (no HTTP, no GraphQL, no gateway), at the booking service's
 * client concurrency, against one fresh set of ten sessions:
 *
 * - `atomic` (the ceiling): exactly the statements one booking executes, imported from booking's code:
 *   the decision read, then a transaction with the outbox row and the one atomic booking statement, each
 *   a prepared statement as booking sends them (shared/sql.ts sqlPrepared).
 * - `naive`: the usual read-then-write (prepared too): the same decision read, and if it shows a place, a read-committed
 *   transaction without locks taken for the decision: the outbox row, the next queue number, the
 *   appointment, the slot counter written as the value read plus one, the stock counter plus one.
 */
export async function runStormCeiling(
  bookingDbUrl: string,
  setup: StormSetup,
  run: { set: SessionSet; attempts: number; concurrency: number; poolSize: number; variant: CeilingVariant; firstSerial: number },
  piiKey: string,
): Promise<CeilingResult> {
  const { BOOK_STATEMENT, SLOT_CONTEXT, bookStatementParams, slotContextParams } = await import('@victori/booking/decision');
  const { validatePerson, newSlipCode } = await import('@victori/booking/validation');
  const { PiiVault, OUTBOX_INSERT, outboxParams, AppointmentBooked, createEnvelope, compileNamed, namedValues } =
    await import('@victori/shared');
  const { randomUUID } = await import('node:crypto');
  const { set, attempts, concurrency, poolSize, variant } = run;
  const vault = new PiiVault(piiKey);
  const pool = new pg.Pool({ connectionString: bookingDbUrl, max: poolSize });
  const slotStatement = compileNamed(SLOT_CONTEXT);
  const bookStatement = compileNamed(BOOK_STATEMENT);
  const slotSql = toPgPlaceholders(slotStatement.sql);
  const bookSql = toPgPlaceholders(bookStatement.sql);
  const outboxSql = OUTBOX_INSERT;
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  let next = 0;
  let errors = 0;
  // Inputs (validation, hashing, encryption) are prepared before the clock starts: the ceiling
  // measures PostgreSQL executing the booking's statements, nothing else.
  const prepared = Array.from({ length: attempts }, (_, n) => {
    const input = { ...stormPerson(run.firstSerial + n), slotId: set.slots[n % set.slots.length]!, doseKind: setup.doseKind };
    return { input, person: validatePerson(input, vault, today, true), id: randomUUID(), slipCode: newSlipCode() };
  });
  const one = async (n: number): Promise<void> => {
    const { input, person, id, slipCode } = prepared[n]!;
    const req = { operation: 'bookAppointment', key: null, hash: '' };
    const { rows } = await pool.query({
      name: 'ceiling_slot_context',
      text: slotSql,
      values: namedValues(
        slotStatement,
        slotContextParams(input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind: input.doseKind }, req),
      ),
    });
    const s = rows[0] as {
      slot_id: string;
      slot_booked: number;
      slot_capacity: number;
      stock_free: number;
      session_id: string;
      facility_id: string;
      programme: string;
      product_code: string;
      date: string;
    };
    if (s.slot_booked >= s.slot_capacity || s.stock_free <= 0) return;
    const event = createEnvelope(AppointmentBooked, 'booking', id, {
      appointmentId: id,
      sessionId: s.session_id,
      slotId: s.slot_id,
      facilityId: s.facility_id,
      programme: s.programme,
      productCode: s.product_code,
      doseKind: input.doseKind,
      sessionDate: s.date,
      status: 'BOOKED',
      nikHash: person.nikHash,
      walkIn: false,
    });
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query({ name: 'ceiling_outbox', text: outboxSql, values: outboxParams(event) });
      if (variant === 'atomic') {
        await client.query({
          name: 'ceiling_book',
          text: bookSql,
          values: namedValues(
            bookStatement,
            bookStatementParams({ s, person, doseKind: input.doseKind, id, slipCode, maxPerPhone: 5, bookedBy: null, req }),
          ),
        });
      } else {
        const queue = await client.query<{ next_queue: number }>({
          name: 'naive_next_queue',
          text: NAIVE_NEXT_QUEUE,
          values: [s.session_id],
        });
        await client.query({
          name: 'naive_insert',
          text: NAIVE_INSERT,
          values: [
            id,
            s.session_id,
            s.slot_id,
            s.facility_id,
            s.programme,
            s.product_code,
            input.doseKind,
            s.date,
            queue.rows[0]!.next_queue,
            slipCode,
            person.nikHash,
            person.nikEnc,
            person.nameEnc,
            person.birthDate,
            person.sex,
            person.phoneHash,
            person.residenceKelurahanCode,
          ],
        });
        await client.query({ name: 'naive_slot', text: NAIVE_SLOT_COUNTER, values: [s.slot_id, s.slot_booked + 1] });
        await client.query({ name: 'naive_stock', text: NAIVE_STOCK_COUNTER, values: [s.facility_id, s.product_code] });
      }
      await client.query('commit');
    } catch {
      errors++;
      await client.query('rollback');
    } finally {
      client.release();
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < attempts; n = next++) await one(n);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  try {
    // What was sold, read back: live appointments against places, per slot and in total.
    const { rows } = await pool.query<{ confirmed: string; places: string; overbooked: string }>(
      `select (select count(*) from appointment where session_id = any($1::uuid[]) and status = 'BOOKED') as confirmed,
              (select sum(capacity) from slot where session_id = any($1::uuid[])) as places,
              (select count(*) from slot sl where sl.session_id = any($1::uuid[])
                  and (select count(*) from appointment a where a.slot_id = sl.id and a.status = 'BOOKED') > sl.capacity) as overbooked`,
      [set.sessions],
    );
    const confirmed = Number(rows[0]!.confirmed);
    const places = Number(rows[0]!.places);
    return {
      variant,
      poolSize,
      attempts,
      confirmed,
      places,
      soldRatio: confirmed / places,
      overbookedSlots: Number(rows[0]!.overbooked),
      errors,
      seconds,
      attemptsPerSecond: attempts / seconds,
      bookingsPerSecond: confirmed / seconds,
    };
  } finally {
    await pool.end();
  }
}

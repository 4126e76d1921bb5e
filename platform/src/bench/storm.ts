import pg from 'pg';
import { gql } from '@victori/shared/testing';
import type { LoadResult } from './load.js';
import { stormPerson } from './storm-people.js';

export const STORM_MUTATION = `mutation Book($input: BookAppointmentInput!) {
  bookAppointment(input: $input) { id queueNumber slipCode status }
}`;

export const STORM_PRODUCT = 'PFIZER';
const PLACES_PER_SESSION = 500;

export interface StormSetup {
  doseKind: string;
  date: string;
  gatewaySessions: string[];
  gatewaySlots: string[];
  ceilingSessions: string[];
  ceilingSlots: string[];
}

/** Tomorrow in Asia/Jakarta (sessions today close at the same-day cut-off). */
export function tomorrowJakarta(): string {
  const now = new Date(Date.now() + 7 * 3600_000);
  now.setUTCDate(now.getUTCDate() + 1);
  return now.toISOString().slice(0, 10);
}

async function must<T>(p: Promise<{ data?: T; errors?: unknown[] }>, what: string): Promise<T> {
  const res = await p;
  if (res.errors?.length || !res.data) throw new Error(`${what} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/**
 * Ten sessions of 500 places (10 slots of 50) for the gateway run and ten for the ceiling, at twenty
 * facilities that received real stock through inventory (receive into the city store, transfer);
 * booking learns the usable stock from inventory's events before the storm starts.
 */
export async function setupStorm(gatewayUrl: string, adminToken: string): Promise<StormSetup> {
  const opts = { token: adminToken };
  const { facilities } = await must(
    gql<{ facilities: { id: string; type: string }[] }>(gatewayUrl, `{ facilities { id type } }`, {}, opts),
    'facilities',
  );
  const chosen = facilities.filter((f) => f.type !== 'CITY_STORE').slice(0, 20);
  if (chosen.length < 20) throw new Error('need 20 facilities for the storm');
  const received = await must(
    gql<{ receiveStock: { lot: { id: string } } }>(
      gatewayUrl,
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { lot { id } } }`,
      {
        i: {
          productCode: STORM_PRODUCT,
          lotNumber: `BENCH-${Date.now()}`,
          expiryDate: '2030-12-31',
          doses: 20 * (PLACES_PER_SESSION + 100),
        },
      },
      opts,
    ),
    'receiveStock',
  );
  const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
  for (const f of chosen) {
    await must(
      gql(
        gatewayUrl,
        `mutation($i: TransferStockInput!) { transferStock(input: $i) { lot { id } } }`,
        { i: { fromFacilityId: cityStore, toFacilityId: f.id, lotId: received.receiveStock.lot.id, doses: PLACES_PER_SESSION + 100 } },
        opts,
      ),
      'transferStock',
    );
  }
  const date = tomorrowJakarta();
  const sessions: { id: string; slots: string[] }[] = [];
  for (const f of chosen) {
    const created = await must(
      gql<{ createSession: { id: string; slots: { id: string }[] } }>(
        gatewayUrl,
        `mutation($i: CreateSessionInput!) { createSession(input: $i) { id slots { id } } }`,
        {
          i: {
            facilityId: f.id,
            date,
            startTime: '08:00',
            endTime: '13:00',
            productCode: STORM_PRODUCT,
            doseKinds: ['PRIMARY_1'],
            capacity: PLACES_PER_SESSION,
            slotMinutes: 30,
          },
        },
        opts,
      ),
      'createSession',
    );
    sessions.push({ id: created.createSession.id, slots: created.createSession.slots.map((s) => s.id) });
  }
  // Booking caps places by the stock it learned from inventory's events: wait until all are sellable.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await gql<{ sessions: { edges: { node: { id: string; remainingPlaces: number } }[] } }>(
      gatewayUrl,
      `query($f: SessionFilter) { sessions(filter: $f, first: 100) { edges { node { id remainingPlaces } } } }`,
      { f: { dateFrom: date, dateTo: date, productCode: STORM_PRODUCT } },
    );
    const places = new Map(res.data?.sessions.edges.map((e) => [e.node.id, e.node.remainingPlaces]) ?? []);
    if (sessions.every((s) => places.get(s.id) === PLACES_PER_SESSION)) break;
    if (Date.now() > deadline) throw new Error(`sessions did not become bookable: ${JSON.stringify([...places])}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const gatewaySessions = sessions.slice(0, 10);
  const ceilingSessions = sessions.slice(10);
  return {
    doseKind: 'PRIMARY_1',
    date,
    gatewaySessions: gatewaySessions.map((s) => s.id),
    gatewaySlots: gatewaySessions.flatMap((s) => s.slots),
    ceilingSessions: ceilingSessions.map((s) => s.id),
    ceilingSlots: ceilingSessions.flatMap((s) => s.slots),
  };
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

export interface CeilingResult {
  attempts: number;
  confirmed: number;
  seconds: number;
  attemptsPerSecond: number;
  bookingsPerSecond: number;
}

/**
 * The PostgreSQL ceiling: exactly the statements one booking executes (the decision read, then a
 * transaction with the outbox row and the one atomic booking statement), with the same inputs,
 * driven straight at PostgreSQL with `pg` at the same client concurrency and the same pool size
 * as the booking service. No HTTP, no GraphQL, no gateway.
 */
export async function runStormCeiling(
  bookingDbUrl: string,
  setup: StormSetup,
  attempts: number,
  concurrency: number,
  poolSize: number,
  piiKey: string,
): Promise<CeilingResult> {
  const { BOOK_STATEMENT, SLOT_CONTEXT, bookStatementParams, slotContextParams } = await import('@victori/booking/decision');
  const { validatePerson, newSlipCode } = await import('@victori/booking/validation');
  const { PiiVault, OUTBOX_INSERT, AppointmentBooked, createEnvelope } = await import('@victori/shared');
  const { randomUUID } = await import('node:crypto');
  const vault = new PiiVault(piiKey);
  const pool = new pg.Pool({ connectionString: bookingDbUrl, max: poolSize });
  const slotSql = toPgPlaceholders(SLOT_CONTEXT);
  const bookSql = toPgPlaceholders(BOOK_STATEMENT);
  const outboxSql = toPgPlaceholders(OUTBOX_INSERT);
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  let next = 0;
  let confirmed = 0;
  const firstSerial = 50_000;
  // Inputs (validation, hashing, encryption) are prepared before the clock starts: the ceiling
  // measures PostgreSQL executing the booking's statements, nothing else.
  const prepared = Array.from({ length: attempts }, (_, n) => {
    const input = { ...stormPerson(firstSerial + n), slotId: setup.ceilingSlots[n % setup.ceilingSlots.length]!, doseKind: setup.doseKind };
    return { input, person: validatePerson(input, vault, today, true), id: randomUUID(), slipCode: newSlipCode() };
  });
  const one = async (n: number): Promise<void> => {
    const { input, person, id, slipCode } = prepared[n]!;
    const req = { operation: 'bookAppointment', key: null, hash: '' };
    const { rows } = await pool.query(
      slotSql,
      slotContextParams(input.slotId, { nikHash: person.nikHash, phoneHash: person.phoneHash, doseKind: input.doseKind }, req),
    );
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
      await client.query(outboxSql, [
        event.id,
        event.type,
        event.version,
        event.aggregateId,
        event.occurredAt,
        JSON.stringify(event.payload),
      ]);
      const result = await client.query<{ appointment: unknown }>(
        bookSql,
        bookStatementParams({ s, person, doseKind: input.doseKind, id, slipCode, maxPerPhone: 5, bookedBy: null, req }),
      );
      await client.query('commit');
      if (result.rows[0]?.appointment) confirmed++;
    } catch (error) {
      await client.query('rollback');
      throw error;
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
  await pool.end();
  return { attempts, confirmed, seconds, attemptsPerSecond: attempts / seconds, bookingsPerSecond: confirmed / seconds };
}

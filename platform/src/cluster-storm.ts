import { Pool } from 'undici';
import { signToken } from '@victori/gateway';
import { gql } from '@victori/shared/testing';
import { createStormSessions, must, stockFacilities, STORM_MUTATION, tomorrowJakarta, waitUntilBookable } from './bench/storm.js';
import { stormPerson } from './bench/storm-people.js';
import { JWT_AUDIENCE, JWT_ISSUER } from './jwt.js';

/** Sessions of known capacity for a storm through the cluster's public port, at facilities stocked through inventory. */
export interface ClusterStormSetup {
  adminToken: string;
  date: string;
  sessionIds: string[];
  slotIds: string[];
  places: number;
}

export async function setupClusterStorm(
  publicUrl: string,
  privateKey: string,
  options: { sessions: number; placesPerSession: number },
): Promise<ClusterStormSetup> {
  const adminToken = await signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'admin', sub: 'cluster-storm' });
  const facilities = (
    await must(
      gql<{ facilities: { edges: { node: { id: string; type: string } }[] } }>(
        publicUrl,
        `{ facilities(first: 100) { edges { node { id type } } } }`,
        {},
        { token: adminToken },
      ),
      'facilities',
    )
  ).facilities.edges.map((e) => e.node);
  const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
  const chosen = facilities.filter((f) => f.type !== 'CITY_STORE').slice(0, options.sessions);
  if (chosen.length < options.sessions) throw new Error(`need ${options.sessions} facilities`);
  await stockFacilities(publicUrl, adminToken, cityStore, `CLUSTER-${Date.now()}`, chosen, () => options.placesPerSession + 100);
  const date = tomorrowJakarta();
  const sessions = await createStormSessions(publicUrl, adminToken, chosen, date, {
    startTime: '08:00',
    endTime: '13:00',
    capacity: options.placesPerSession,
  });
  await waitUntilBookable(publicUrl, date, sessions, options.placesPerSession, 'cluster storm sessions');
  return {
    adminToken,
    date,
    sessionIds: sessions.map((s) => s.id),
    slotIds: sessions.flatMap((s) => s.slots),
    places: options.sessions * options.placesPerSession,
  };
}

/** One booking attempt as the client saw it. */
export interface StormAttempt {
  serial: number;
  idempotencyKey: string;
  /** HTTP status; 0 when no answer came (connection failed or timed out). */
  status: number;
  /** OK or the first error's extensions.code (NO_ANSWER without one). */
  code: string;
  appointmentId?: string;
  /** When it was sent and answered, ms since the storm began. */
  sentAt: number;
  answeredAt: number;
}

export interface StormRun {
  attempts: StormAttempt[];
  seconds: number;
  /** Successful bookings per second over the run. */
  bookingsPerSecond: number;
  /** Answers (any outcome) per second. */
  attemptsPerSecond: number;
}

/**
 * Booking attempts with distinct valid NIKs (stormPerson), spread over the slots, `concurrency` at a time
 * (closed loop), each with its own Idempotency-Key as a citizen's app sends it. `onTick` runs every
 * 100 ms with the time since the start and the attempts answered so far (the test kills processes from it).
 */
export async function runClusterStorm(
  publicUrl: string,
  options: {
    slotIds: string[];
    attempts: number;
    concurrency: number;
    firstSerial: number;
    timeoutMs?: number;
    onTick?: (elapsedMs: number, answered: number) => void;
  },
): Promise<StormRun> {
  const url = new URL(publicUrl);
  const pool = new Pool(url.origin, {
    connections: options.concurrency,
    pipelining: 1,
    headersTimeout: options.timeoutMs ?? 30_000,
    bodyTimeout: options.timeoutMs ?? 30_000,
  });
  const attempts: StormAttempt[] = [];
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const tick = options.onTick ? setInterval(() => options.onTick!(now(), attempts.length), 100) : undefined;
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const serial = options.firstSerial + i;
    const idempotencyKey = `storm-${serial}`;
    const body = JSON.stringify({
      query: STORM_MUTATION,
      variables: { input: { ...stormPerson(serial), slotId: options.slotIds[i % options.slotIds.length], doseKind: 'PRIMARY_1' } },
    });
    const sentAt = now();
    let status = 0;
    let code = 'NO_ANSWER';
    let appointmentId: string | undefined;
    try {
      const res = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body,
      });
      status = res.statusCode;
      const text = await res.body.text();
      try {
        const parsed = JSON.parse(text) as {
          data?: { bookAppointment?: { id: string } | null } | null;
          errors?: { extensions?: { code?: string } }[];
        };
        appointmentId = parsed.data?.bookAppointment?.id;
        code = appointmentId ? 'OK' : String(parsed.errors?.[0]?.extensions?.code ?? 'UNTYPED');
      } catch {
        code = 'NOT_JSON';
      }
    } catch {
      // no answer: counted as such
    }
    attempts.push({ serial, idempotencyKey, status, code, appointmentId, sentAt, answeredAt: now() });
  };
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < options.attempts; i = next++) await one(i);
      }),
    );
  } finally {
    if (tick) clearInterval(tick);
    await pool.close();
  }
  const seconds = now() / 1000;
  const booked = attempts.filter((a) => a.code === 'OK').length;
  return { attempts, seconds, bookingsPerSecond: booked / seconds, attemptsPerSecond: attempts.length / seconds };
}

/** Availability reads (the sessions of a day with their remaining places), `concurrency` at a time for `seconds`. */
export async function runAvailabilityReads(
  publicUrl: string,
  options: { date: string; concurrency: number; seconds: number },
): Promise<{ reads: number; ok: number; readsPerSecond: number; statuses: Record<string, number> }> {
  const url = new URL(publicUrl);
  const pool = new Pool(url.origin, { connections: options.concurrency, pipelining: 1 });
  const body = JSON.stringify({
    query: `query($f: SessionFilter) { sessions(filter: $f, first: 50) { edges { node { id remainingPlaces } } } }`,
    variables: { f: { dateFrom: options.date, dateTo: options.date } },
  });
  const statuses: Record<string, number> = {};
  let reads = 0;
  let ok = 0;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) {
          try {
            const res = await pool.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
            const text = await res.body.text();
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode === 200 && !text.includes('"errors"')) ok++;
          } catch {
            statuses.none = (statuses.none ?? 0) + 1;
          }
          reads++;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { reads, ok, readsPerSecond: ok / seconds, statuses };
}

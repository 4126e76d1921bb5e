import { gql } from '@victori/shared/testing';
import type { LoadResult } from './load.js';
import { runLoadProcess } from './processes.js';
import { createStormSessions, must, stockFacilities, STORM_MUTATION, tomorrowJakarta, waitUntilBookable } from './storm.js';

/** One side (booking with or without the per-NIK limit), one round. */
export interface AbuseRound {
  /** The abusive client alone: one NIK, as fast as its connections allow. */
  abuser: LoadResult;
  /** Booking SQL statements per abusive request (the abuser alone; booking's SQL_COUNT). */
  sqlPerAbusiveRequest: number;
  /** Normal clients (distinct NIKs at a fixed rate) while the abuser keeps hammering. */
  others: LoadResult;
  /** The abuser during the same run, at a fixed rate (the same abusive load on both sides). */
  abuserDuringOthers: LoadResult;
  /** Booking SQL statements per second during that run (normal bookings plus whatever the abuser costs). */
  sqlPerSecondDuringOthers: number;
}

export interface RateLimitResult {
  limited: AbuseRound[];
  unlimited: AbuseRound[];
  othersRate: number;
  abuserRate: number;
  abuserConnections: number;
}

export interface RateLimitSide {
  gatewayUrl: string;
  /** The booking instance behind that gateway (its /metrics counts SQL statements). */
  bookingUrl: string;
}

const ABUSER_CONNECTIONS = 32;
const ABUSER_RATE = 300;
const OTHERS_RATE = 100;

async function bookingSql(bookingUrl: string): Promise<number> {
  const metrics = (await (await fetch(new URL('/metrics.json', bookingUrl))).json()) as { sqlStatements?: number };
  if (metrics.sqlStatements === undefined) throw new Error('booking does not count SQL statements (SQL_COUNT)');
  return metrics.sqlStatements;
}

/** Five sessions of 500 places at five facilities the storm does not use, stocked through inventory. */
async function setupSessions(gatewayUrl: string, adminToken: string): Promise<string[]> {
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
  const chosen = facilities.filter((f) => f.type !== 'CITY_STORE').slice(-5);
  const cityStore = facilities.find((f) => f.type === 'CITY_STORE')!.id;
  await stockFacilities(gatewayUrl, adminToken, cityStore, `BENCH-RL-${Date.now()}`, chosen, () => 600);
  const date = tomorrowJakarta();
  const sessions = await createStormSessions(gatewayUrl, adminToken, chosen, date, { startTime: '13:00', endTime: '18:00', capacity: 500 });
  await waitUntilBookable(gatewayUrl, date, sessions, 500, 'rate-limit sessions');
  return sessions.flatMap((s) => s.slots);
}

/**
 * Per-NIK rate limit on booking, on vs off: one abusive client books with one NIK from
 * ABUSER_CONNECTIONS connections, first alone as fast as it can (refusals/s, and the cost per abusive
 * request in booking SQL statements), then at ABUSER_RATE/s while normal clients book with distinct NIKs
 * at OTHERS_RATE/s (their latency).
 * Both sides go through a gateway to a booking instance on the same database; the sides alternate.
 */
export async function runRateLimitBench(
  adminGatewayUrl: string,
  adminToken: string,
  limited: RateLimitSide,
  unlimited: RateLimitSide,
  work: string,
  options: { rounds: number; seconds: number; firstSerial: number },
): Promise<RateLimitResult> {
  const slotIds = await setupSessions(adminGatewayUrl, adminToken);
  let serial = options.firstSerial;
  const round = async (side: RateLimitSide): Promise<AbuseRound> => {
    const abuse = (duration: number, rate?: number) =>
      runLoadProcess(
        {
          url: side.gatewayUrl,
          connections: ABUSER_CONNECTIONS,
          duration,
          ...(rate ? { overallRate: rate } : {}),
          timeoutSec: 10,
          storm: { slotIds, doseKind: 'PRIMARY_1', firstSerial: serial++, mutation: STORM_MUTATION, samePerson: true },
        },
        work,
      );
    const before = await bookingSql(side.bookingUrl);
    const abuser = await abuse(options.seconds);
    const sqlPerAbusiveRequest = ((await bookingSql(side.bookingUrl)) - before) / abuser.requests;
    const othersFirst = serial;
    serial += Math.ceil(OTHERS_RATE * options.seconds * 1.5);
    const sqlBefore = await bookingSql(side.bookingUrl);
    const started = performance.now();
    const [others, abuserDuringOthers] = await Promise.all([
      runLoadProcess(
        {
          url: side.gatewayUrl,
          connections: 30,
          duration: options.seconds,
          overallRate: OTHERS_RATE,
          timeoutSec: 10,
          storm: { slotIds, doseKind: 'PRIMARY_1', firstSerial: othersFirst, mutation: STORM_MUTATION },
        },
        work,
      ),
      abuse(options.seconds, ABUSER_RATE),
    ]);
    const sqlPerSecondDuringOthers = ((await bookingSql(side.bookingUrl)) - sqlBefore) / ((performance.now() - started) / 1000);
    return { abuser, sqlPerAbusiveRequest, others, abuserDuringOthers, sqlPerSecondDuringOthers };
  };
  const result: RateLimitResult = {
    limited: [],
    unlimited: [],
    othersRate: OTHERS_RATE,
    abuserRate: ABUSER_RATE,
    abuserConnections: ABUSER_CONNECTIONS,
  };
  for (let i = 0; i < options.rounds; i++) {
    if (i % 2 === 0) {
      result.limited.push(await round(limited));
      result.unlimited.push(await round(unlimited));
    } else {
      result.unlimited.push(await round(unlimited));
      result.limited.push(await round(limited));
    }
  }
  return result;
}

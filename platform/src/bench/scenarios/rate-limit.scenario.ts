import { freePort } from '../../platform.js';
import { startBookingInstance, startOurGateway } from '../processes.js';
import { runRateLimitBench } from '../rate-limit.bench.js';
import { f0 } from '../report.js';
import { progress, settle, type BenchContext } from '../scenario.js';

/** One abusive NIK among normal bookers: booking with and without the per-NIK limit. */
export async function rateLimitScenario(ctx: BenchContext): Promise<void> {
  const { report, quick, work, procs, platform, urls, secrets, admin, gatewayBase, subgraphEnv } = ctx;
  progress(`events: backlog drained in ${f0(await settle(platform))} s\n`);
  progress('rate limit: one abusive NIK vs normal bookers, booking with and without the per-NIK limit\n');
  // The same booking service and database without the per-NIK limit, behind its own gateway.
  const unlimitedBookingPort = await freePort();
  procs.push(
    await startBookingInstance('booking-unlimited', unlimitedBookingPort, {
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SQL_COUNT: 'true',
      GATEWAY_URL: platform.gatewayUrl,
      GATEWAY_SECRET: secrets.gatewaySecret,
      PII_KEY: secrets.piiKey,
      BOOKING_DATABASE_URL: urls.services.booking,
      BUS_DATABASE_URL: urls.bus,
      BOOKING_DB_POOL: '20',
      BOOKING_RATE_PER_IP: '0',
      BOOKING_RATE_PER_NIK: '0',
    }),
  );
  const unlimitedBookingUrl = `http://127.0.0.1:${unlimitedBookingPort}/graphql`;
  const unlimitedGatewayPort = await freePort();
  procs.push(
    await startOurGateway('gateway-unlimited-booking', unlimitedGatewayPort, {
      ...gatewayBase,
      ...subgraphEnv,
      GATEWAY_PUBLIC_CACHE_MS: '0',
      BOOKING_URL: unlimitedBookingUrl,
    }),
  );
  report.rateLimit = await runRateLimitBench(
    platform.gatewayUrl,
    admin,
    { gatewayUrl: platform.gatewayUrl, bookingUrl: platform.serviceUrls.booking },
    { gatewayUrl: `http://127.0.0.1:${unlimitedGatewayPort}/graphql`, bookingUrl: unlimitedBookingUrl },
    work,
    { rounds: quick ? 1 : 2, seconds: quick ? 2 : 3, firstSerial: 400_000 },
  );
}

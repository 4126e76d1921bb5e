import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeyPair, readPem, signToken } from '@victori/gateway';
import { Env, loadNatsConfig, SERVICES, type ServiceName } from '@victori/shared';
import { launchPlatform, type LaunchedPlatform } from '../launch.js';
import { newSecrets, REPO_ROOT } from '../local.js';
import { freePort, JWT_AUDIENCE, JWT_ISSUER, prepareDatabases } from '../platform.js';
import { benchCluster } from './bench-db.js';
import { runEventsBench } from './events.bench.js';
import { projectionsScenario } from './projections.bench.js';
import { peakRssMiB, resetPeakRss, type Proc } from './processes.js';
import { markdown, type BenchReport } from './report.js';
import { METRICS_TOKEN, progress, READ_BOUND, type BenchContext } from './scenario.js';
import { fanoutScenario } from './scenarios/fanout.scenario.js';
import { idleScenario } from './scenarios/idle.scenario.js';
import { mixScenario } from './scenarios/mix.scenario.js';
import { overloadScenario } from './scenarios/overload.scenario.js';
import { publicReadScenario } from './scenarios/public-read.scenario.js';
import { rateLimitScenario } from './scenarios/rate-limit.scenario.js';
import { startReadTargets } from './scenarios/read-targets.js';
import { stormScenario } from './scenarios/storm.scenario.js';

export { AVAILABILITY_ONE_SUBGRAPH, AVAILABILITY_TWO_SUBGRAPHS } from './scenario.js';
export { markdown, whatMakesItFast, type BenchReport } from './report.js';

/**
 * `npm run bench [-- --only idle,storm,ratelimit,public-read,fanout,overload,mix,events,projections] [--quick] [--records N]`: the runner
 * (--records: dose records the projections scenario imports, default 90,000).
 * It prepares the databases and launches the platform once, runs the chosen scenarios (one file each in
 * scenarios/) in a fixed order, and writes bench/results/<time>.{json,md} and latest.md.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, records: { type: 'string' } } });
  const only = new Set((values.only ?? 'idle,storm,ratelimit,public-read,fanout,overload,mix,events,projections').split(','));
  const quick = values.quick ?? false;
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
    seconds: 0,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
  };
  const work = mkdtempSync(path.join(tmpdir(), 'victori-bench-'));
  const cluster = await benchCluster();
  const procs: Proc[] = [];
  let platform: LaunchedPlatform | undefined;
  try {
    if (only.has('events')) {
      progress('events: sustained 5,000/s and unthrottled\n');
      report.events = {
        sustained: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: 5000 }),
        burst: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: null }),
      };
      // With NATS_URL the same two runs on NATS JetStream, side by side in the report.
      const env = new Env();
      if (env.optional('NATS_URL')) {
        progress('events on NATS JetStream: sustained 5,000/s and unthrottled\n');
        const nats = loadNatsConfig(env);
        report.eventsJetStream = {
          sustained: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: 5000, nats }),
          burst: await runEventsBench({ events: quick ? 15_000 : 25_000, rate: null, nats }),
        };
      }
    }
    const needsPlatform = ['idle', 'storm', 'ratelimit', 'public-read', 'fanout', 'overload', 'mix', 'projections'].some((s) =>
      only.has(s),
    );
    if (needsPlatform) {
      progress('preparing databases\n');
      const urls = await prepareDatabases(cluster.adminUrl, 'bench', true);
      const secrets = newSecrets();
      const keys = await ensureDevKeyPair(path.join(work, 'keys'));
      const privateKey = readPem(keys.privateKeyFile);
      const ports = {
        edge: await freePort(),
        gateway: await freePort(),
        booking: await freePort(),
        inventory: await freePort(),
        immunization: await freePort(),
        reporting: await freePort(),
        identity: await freePort(),
        feedback: await freePort(),
      } as Record<ServiceName | 'gateway' | 'edge', number>;
      const gatewayBase = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        GATEWAY_SECRET: secrets.gatewaySecret,
        JWT_PUBLIC_KEY: readPem(keys.publicKeyFile),
      };
      const launchLoad = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
      const launchStarted = performance.now();
      platform = await launchPlatform({
        host: '127.0.0.1',
        ports,
        databaseUrls: urls,
        gatewaySecret: secrets.gatewaySecret,
        piiKey: secrets.piiKey,
        jwtPublicKey: readPem(keys.publicKeyFile),
        jwtPrivateKey: privateKey,
        // Production refuses the SMS outbox; the benchmark sends no codes (discard port). It records no doses
        // either, so immunization runs without the national links (production refuses to start without them).
        // Booking opens sessions at facilities without SATUSEHAT ids (production refuses; the bench's facilities have none).
        serviceEnv: {
          identity: { IDENTITY_SMS_URL: 'http://127.0.0.1:9/sms' },
          immunization: { SATUSEHAT_DELIVERY: 'off', PCARE_DELIVERY: 'off' },
          booking: { BOOKING_REQUIRE_SATUSEHAT_IDS: 'false' },
        },
        // The storm comes from one loopback address standing in for a city of citizens: the per-address
        // booking limit is off here (per-NIK limits stay on; every storm NIK books once).
        env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', SQL_COUNT: 'true', BOOKING_DB_POOL: '20', BOOKING_RATE_PER_IP: '0' },
        gatewayEnv: { GATEWAY_PUBLIC_CACHE_MS: '0', GATEWAY_READ_MAX_CONCURRENT: String(READ_BOUND) },
        // Uncached at both the gateway and the edge: the comparisons measure the work, not a cache (the
        // registration-day mix starts its own edge and gateway with their default caches).
        edgeEnv: { EDGE_READ_MAX_CONCURRENT: String(READ_BOUND), EDGE_METRICS_TOKEN: METRICS_TOKEN, EDGE_PUBLIC_CACHE_MS: '0' },
        stdio: 'inherit',
      });
      const launched = { seconds: (performance.now() - launchStarted) / 1000, loadavg: launchLoad };
      const subgraphEnv = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, platform!.serviceUrls[s]]));
      const admin = await signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'admin', sub: 'bench-admin' });

      const ctx: BenchContext = {
        report,
        quick,
        work,
        procs,
        platform,
        urls,
        secrets,
        admin,
        signCitizen: (sub) => signToken(privateKey, JWT_ISSUER, JWT_AUDIENCE, { role: 'citizen', sub }),
        gatewayBase,
        subgraphEnv,
      };
      // Peak RSS of every process per scenario: VmHWM is reset before each and read after it.
      const pgPid = cluster.postmasterPid();
      const measured = async (name: string, scenario: () => Promise<void>): Promise<void> => {
        const pids = (): [string, number][] => [
          ...Object.entries(platform!.pids),
          ...procs.map((p): [string, number] => [p.name, p.child.pid!]),
          ...(pgPid ? [['postgresql (postmaster)', pgPid] as [string, number]] : []),
        ];
        for (const [, pid] of pids()) resetPeakRss(pid);
        const began = Date.now();
        await scenario();
        (report.scenarioSeconds ??= {})[name] = Math.round((Date.now() - began) / 1000);
        (report.peakRssMiB ??= {})[name] = Object.fromEntries(pids().map(([n, pid]) => [n, peakRssMiB(pid)]));
      };
      if (only.has('idle')) {
        await measured('idle', () => idleScenario(ctx, pgPid, quick ? 20 : undefined));
        if (report.idle) report.idle.start = launched;
      }
      if (only.has('storm')) await measured('storm', () => stormScenario(ctx, pgPid));
      if (only.has('ratelimit')) await measured('ratelimit', () => rateLimitScenario(ctx));
      if (only.has('public-read') || only.has('overload') || only.has('fanout')) {
        const reads = await startReadTargets(ctx, only.has('public-read'));
        if (only.has('public-read')) await measured('public-read', () => publicReadScenario(ctx, reads));
        if (only.has('fanout')) await measured('fanout', () => fanoutScenario(ctx));
        if (only.has('overload')) await measured('overload', () => overloadScenario(ctx, reads));
      }
      if (only.has('mix')) await measured('mix', () => mixScenario(ctx, pgPid));
      if (only.has('projections')) {
        const records = Number(values.records ?? (quick ? 30_000 : 90_000));
        await measured('projections', async () => {
          report.projections = await projectionsScenario(ctx, records);
        });
      }
    }
  } finally {
    for (const p of procs) await p.stop();
    await platform?.stop();
    await cluster.close();
    rmSync(work, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(report, null, 2));
  const md = markdown(report);
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  writeFileSync(path.join(dir, 'latest.md'), md);
  process.stdout.write(`${md}\n\nWritten to bench/results/${stamp}.{json,md}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

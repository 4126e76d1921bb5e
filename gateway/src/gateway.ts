import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createLogger,
  encodeClaims,
  ErrorCode,
  formatError,
  HEADER_CLAIMS,
  HEADER_REQUEST_ID,
  HEADER_SIGNATURE,
  admissionGauges,
  PrometheusMetrics,
  requestLogPlugin,
  SharedRedis,
  signClaims,
  startGraphQLHttpServer,
  unavailablePlugin,
  type Logger,
  type RequestInfo,
  type RunningServer,
  type ServiceName,
} from '@victori/shared';
import type { GatewayConfig } from './config.js';
import { createSubgraphFetcher } from './fetcher.js';
import { loadPublicKey } from './keys.js';
import { graphiqlLandingPage, graphiqlRoutes } from './graphiql.js';
import { createTokenVerifier } from './oidc.js';
import { publicAnswersPlugin, PublicResponseCache } from './public-cache.js';
import { AdmissionControl, admissionMetrics, isMutation, LoopGovernor } from './admission.js';
import { CircuitBreaker, guardSubgraphFetch } from './subgraph-breaker.js';
import { costLimitsPlugin, ResponseSizeCap } from './cost-limits.js';
import { earlyRefusalPlugin } from './early-refusal.js';
import { requestGuardsPlugin } from './request-guards.js';
import { persistedQueryStore, TrustedDocuments, trustedDocumentsPlugin } from './trusted-documents.js';

export { AdmissionControl, LoopGovernor } from './admission.js';

export interface GatewayContext {
  request: RequestInfo;
}

export const DEFAULT_SUPERGRAPH = fileURLToPath(new URL('../../supergraph.graphql', import.meta.url));

/** Signs the verified claims for the subgraph; uses globalThis.fetch (keep-alive pool, no socket hang-ups). */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
    options: { dedupe: boolean; keepAlive: boolean },
    private readonly serviceName: string,
    guard: { options: GatewayConfig['subgraphGuards'][ServiceName]; breaker: CircuitBreaker },
  ) {
    super({ url, fetcher: guardSubgraphFetch(serviceName, createSubgraphFetcher(options), guard.options, guard.breaker) as never });
  }

  /** A subgraph that failed is logged with the request id and the service; the query goes on without it. */
  override didEncounterError(error: Error, _req: unknown, _res: unknown, context: GatewayContext): void {
    const code = (error as { extensions?: { code?: unknown; reason?: unknown } }).extensions;
    context.request?.logger.warn({ serviceName: this.serviceName, code: code?.code, reason: code?.reason }, 'subgraph unavailable');
    throw error;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const info = (context as Partial<GatewayContext>).request;
    if (!info || !request.http) return;
    const encoded = encodeClaims(info.claims);
    request.http.headers.set(HEADER_REQUEST_ID, info.requestId);
    request.http.headers.set(HEADER_CLAIMS, encoded);
    request.http.headers.set(HEADER_SIGNATURE, signClaims(this.secret, info.requestId, encoded));
    // Forwarded so subgraphs can make writes idempotent and rate-limit per client.
    const key = info.headers['idempotency-key'];
    if (typeof key === 'string') request.http.headers.set('idempotency-key', key);
    request.http.headers.set('x-forwarded-for', info.ip);
  }
}

export interface RunningGateway extends RunningServer {
  gateway: ApolloGateway;
  admission: { read: AdmissionControl; write: AdmissionControl };
  cache: PublicResponseCache;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger = createLogger('gateway', config.logLevel),
): Promise<RunningGateway> {
  const supergraphSdl = readFileSync(config.supergraphFile, 'utf8');
  const verifyBearer = createTokenVerifier(config, await loadPublicKey(config.jwtPublicKey));
  const breakers = Object.fromEntries(
    Object.entries(config.subgraphGuards).map(([name, options]) => [name, new CircuitBreaker(options)]),
  ) as Record<ServiceName, CircuitBreaker>;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      new SignedDataSource(
        config.subgraphUrls[name as ServiceName],
        config.gatewaySecret,
        { dedupe: config.dedupe, keepAlive: config.subgraphKeepAlive },
        name,
        { options: config.subgraphGuards[name as ServiceName], breaker: breakers[name as ServiceName] },
      ),
    logger: {
      debug: () => undefined,
      info: (m) => logger.info(String(m)),
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
  });
  const production = config.mode === 'production';
  const redis = config.redis ? SharedRedis.connect(config.redis, logger) : undefined;
  const cache = new PublicResponseCache(config.publicCacheMs, 10_000, redis);
  const sizeCap = new ResponseSizeCap(config.costLimits.maxResponseBytes);
  const trusted = config.trustedDocumentsFile ? TrustedDocuments.fromFile(config.trustedDocumentsFile) : undefined;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    formatError,
    stringifyResult: sizeCap.stringify,
    // With a manifest or Redis, Apollo's APQ store is ours (trusted-documents.ts); else Apollo's own, per process.
    ...(trusted || redis ? { persistedQueries: { cache: persistedQueryStore(trusted, redis) } } : {}),
    plugins: [
      // Refusals before planning, in this order: trusted documents, client mistakes, cost limits.
      earlyRefusalPlugin<GatewayContext>(),
      ...(trusted && config.trustedDocumentsOnly ? [trustedDocumentsPlugin<GatewayContext>(trusted)] : []),
      requestGuardsPlugin<GatewayContext>(),
      costLimitsPlugin<GatewayContext>(config.costLimits, sizeCap),
      production ? ApolloServerPluginLandingPageDisabled() : graphiqlLandingPage(),
      ...(config.publicCacheMs > 0 ? [cache.plugin()] : []),
      publicAnswersPlugin(),
      unavailablePlugin<GatewayContext>(),
      requestLogPlugin<GatewayContext>(),
    ],
  });
  const admission = {
    // Reads are served newest first while overloaded; bookings always in arrival order.
    read: new AdmissionControl(config.admission.read.maxConcurrent, config.admission.read.maxQueue, config.admission.read.queueTimeoutMs, {
      lifoWhenOverloaded: config.admission.read.lifoWhenOverloaded,
    }),
    write: new AdmissionControl(
      config.admission.write.maxConcurrent,
      config.admission.write.maxQueue,
      config.admission.write.queueTimeoutMs,
    ),
  };
  const readLimits = config.admission.read;
  const governor =
    readLimits.targetUtilization && readLimits.targetUtilization > 0
      ? new LoopGovernor(admission.read, {
          targetUtilization: readLimits.targetUtilization,
          minConcurrent: readLimits.minConcurrent ?? 4,
        })
      : undefined;
  governor?.start();
  const prometheus = new PrometheusMetrics('gateway');
  admissionGauges(prometheus, admission);
  const running = await startGraphQLHttpServer<GatewayContext>(
    {
      name: 'gateway',
      logger,
      production,
      trustedProxies: config.trustedProxies,
      prometheus,
      ...(production ? {} : { routes: graphiqlRoutes() }),
      apollo,
      authenticate: async (req) => {
        const header = req.headers.authorization;
        if (!header) return { claims: { role: 'anonymous' } };
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        try {
          if (!match) throw new Error('malformed authorization header');
          return { claims: await verifyBearer(match[1]!) };
        } catch {
          return {
            error: {
              status: 401,
              code: ErrorCode.UNAUTHENTICATED,
              id: 'Token tidak valid atau kedaluwarsa; silakan masuk lagi',
              en: 'Invalid or expired token; please sign in again',
              headers: { 'www-authenticate': 'Bearer' },
            },
          };
        }
      },
      context: (request) => ({ request }),
      ready: async () => {
        const checks: Record<string, boolean> = {};
        await Promise.all(
          Object.entries(config.subgraphUrls).map(async ([name, url]) => {
            try {
              const res = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) });
              checks[name] = res.ok;
            } catch {
              checks[name] = false;
            }
          }),
        );
        return checks;
      },
      metrics: () => ({
        admission: admissionMetrics(admission),
        publicCache: { ttlMs: cache.ttlMs, hits: cache.hits, misses: cache.misses },
        breakers: Object.fromEntries(Object.entries(breakers).map(([n, b]) => [n, { state: b.state, opened: b.opened }])),
        ...(governor ? { readGovernor: { lastUtilization: governor.lastUtilization, shrinks: governor.shrinks } } : {}),
      }),
      admit: async (_req, body) => {
        const control = isMutation(body) ? admission.write : admission.read;
        const state = control.tryEnter();
        if (state === 'admitted') return { release: () => control.leave() };
        if (state === 'queued' && (await control.wait())) return { release: () => control.leave() };
        return {
          refuse: {
            status: 503,
            code: ErrorCode.OVERLOADED,
            id: 'Layanan sedang sibuk; silakan coba lagi dalam 1 detik',
            en: 'The service is busy; please try again in 1 second',
            headers: { 'retry-after': '1' },
          },
        };
      },
    },
    { host: config.host, port: config.port },
  );
  logger.info({ url: running.url }, 'gateway listening');
  return {
    ...running,
    gateway,
    admission,
    cache,
    async close() {
      governor?.stop();
      await running.close();
      await redis?.close();
    },
  };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ANONYMOUS,
  createLogger,
  ErrorCode,
  formatError,
  admissionGauges,
  PrometheusMetrics,
  requestLogPlugin,
  SharedRedis,
  startGraphQLHttpServer,
  unavailablePlugin,
  type Logger,
  type RequestInfo,
  type RunningServer,
  type ServiceName,
  DateScalar,
  DateTimeScalar,
} from '@victori/shared';
import type { GraphQLScalarType, GraphQLSchema } from 'graphql';
import type { GatewayConfig } from './config.js';
import { dedupeInFlight, subgraphTransport } from './fetcher.js';
import { ForwardedIdentity, SubgraphDataSource } from './subgraph-source.js';
import { loadPublicKey } from './keys.js';
import { graphiqlLandingPage, graphiqlRoutes } from './graphiql.js';
import { createTokenVerifier } from './oidc.js';
import { withVerifiedTokens } from './verified-tokens.js';
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
  // Each token's signature is checked once, then its claims are kept until it expires (verified-tokens.ts).
  const verifyBearer = withVerifiedTokens(createTokenVerifier(config, await loadPublicKey(config.jwtPublicKey)));
  const breakers = Object.fromEntries(
    Object.entries(config.subgraphGuards).map(([name, options]) => [name, new CircuitBreaker(options)]),
  ) as Record<ServiceName, CircuitBreaker>;
  const transports: { close(): Promise<void> }[] = [];
  const identity = new ForwardedIdentity(config.gatewaySecret);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const service = name as ServiceName;
      const transport = subgraphTransport(config.subgraphUrls[service], { keepAlive: config.subgraphKeepAlive });
      transports.push(transport);
      const send = guardSubgraphFetch(
        name,
        config.dedupe ? dedupeInFlight(transport) : transport,
        config.subgraphGuards[service],
        breakers[service],
      );
      return new SubgraphDataSource(config.subgraphUrls[service], identity, name, send);
    },
    logger: {
      debug: () => undefined,
      info: (m) => logger.info(String(m)),
      warn: (m) => logger.warn(String(m)),
      error: (m) => logger.error(String(m)),
    },
  });
  // The supergraph names the Date and DateTime scalars but not how to read them, so the gateway would pass
  // any value on and the service would refuse it alone, unnamed. With the services' own parsers here, a
  // malformed date is refused in coercion with every other coercion mistake of the request, each named
  // (request-guards.ts). Serialising stays the gateway's: answers pass through as the services wrote them.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => readTimeScalars(apiSchema));
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
        // One frozen object for every anonymous caller: its encoded form is reused (subgraph-source.ts).
        if (!header) return { claims: ANONYMOUS };
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
        verifiedTokens: { size: verifyBearer.cache.size, hits: verifyBearer.cache.hits, misses: verifyBearer.cache.misses },
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
      await Promise.all(transports.map((t) => t.close()));
      await redis?.close();
    },
  };
}

/** Gives the gateway's Date and DateTime the parsers of shared/src/scalars.ts (in place: the schema Apollo executes with). */
export function readTimeScalars(schema: GraphQLSchema): void {
  for (const shared of [DateScalar, DateTimeScalar]) {
    // By shape, not instanceof: the gateway's graphql module may be another copy than the shared one's.
    const type = schema.getType(shared.name) as GraphQLScalarType | undefined;
    if (!type || !('parseLiteral' in type) || 'getValues' in type) continue;
    type.parseValue = shared.parseValue;
    type.parseLiteral = shared.parseLiteral;
    type.specifiedByURL = shared.specifiedByURL;
  }
}

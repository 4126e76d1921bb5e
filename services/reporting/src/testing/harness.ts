import { randomBytes, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  createLogger,
  encodeClaims,
  Env,
  HEADER_CLAIMS,
  HEADER_REQUEST_ID,
  HEADER_SIGNATURE,
  loadServiceConfig,
  migrateBus,
  migrateService,
  signClaims,
  startService,
  type BaseContext,
  type Claims,
  type EventContract,
  type RunningService,
  type ServiceDefinition,
} from '@victori/shared';
import { freshDatabase, gql, type GraphQLResponse } from '@victori/shared/testing';
import { reportingService } from '../service.js';

/**
 * The reporting subgraph alone over real HTTP on fresh databases, with its consumers driven by hand:
 * events are appended to its bus as other services' relays would, and requests carry claims signed
 * like the gateway signs them. (Cross-service behaviour is covered through the gateway in platform e2e.)
 */
export interface ReportingHarness {
  service: RunningService;
  publish<T>(contract: EventContract<T>, producer: string, aggregateId: string, payload: T): Promise<string>;
  /** Applies every pending event with every consumer. */
  drain(): Promise<void>;
  call<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, claims?: Claims): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function startReportingHarness(label: string): Promise<ReportingHarness> {
  const db = await freshDatabase(`rep${label}`);
  const bus = await freshDatabase(`rep${label}bus`);
  await migrateBus(bus.url);
  await migrateService(reportingService as unknown as ServiceDefinition<BaseContext>, db.url, true);
  const gatewaySecret = randomBytes(32).toString('base64url');
  const env = new Env({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REPORTING_PORT: '0',
    REPORTING_DATABASE_URL: db.url,
    BUS_DATABASE_URL: bus.url,
    GATEWAY_SECRET: gatewaySecret,
    PII_KEY: randomBytes(32).toString('hex'),
  });
  const service = await startService(reportingService, loadServiceConfig('reporting', env), {
    background: false,
    logger: createLogger('reporting', 'silent'),
  });
  return {
    service,
    async publish(contract, producer, aggregateId, payload) {
      const event = createEnvelope(contract, producer, aggregateId, payload);
      await service.runtime.events.transport.append([event]);
      return event.id;
    },
    async drain() {
      for (const c of service.runtime.events.consumers) await c.drain();
    },
    call(query, variables = {}, claims = { role: 'anonymous' }) {
      const requestId = randomUUID();
      const encoded = encodeClaims(claims);
      return gql(service.url, query, variables, {
        headers: {
          [HEADER_REQUEST_ID]: requestId,
          [HEADER_CLAIMS]: encoded,
          [HEADER_SIGNATURE]: signClaims(gatewaySecret, requestId, encoded),
        },
      });
    },
    async close() {
      await service.close();
      await db.drop();
      await bus.drop();
    },
  };
}

import { ConfigError, Env, type ServiceConfig } from '@victori/shared';

/** Settings only the immunization service has (on top of the shared ServiceConfig). */
export interface ImmunizationSettings {
  /** The supergraph, for calls across services (sessions with places and stock). */
  gatewayUrl: string;
  satusehat: {
    /** SATUSEHAT_DELIVERY=off: doses stay queued, nothing is sent (a deployment without the national link yet). */
    delivery: 'on' | 'off';
    /** Pending deliveries that keep failing for longer than this make /ready report `degraded`. */
    stuckAfterMs: number;
    /** FHIR R4 base of the national record, e.g. https://api-satusehat.kemkes.go.id/fhir-r4/v1 */
    baseUrl: string;
    /** Optional bearer token (the OAuth2 client-credentials exchange is outside this service). */
    token?: string;
    timeoutMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /** Records sent per worker round. */
    batchSize: number;
    /** How long a claimed record is reserved for one attempt before another worker may take it. */
    leaseMs: number;
    pollMs: number;
  };
  /** Organization id of the city health office in SATUSEHAT (performer organisation). */
  organizationId: string;
  certificates: CertificateSettings;
}

/** SMART Health Cards (modules/certificate). */
export interface CertificateSettings {
  /** The platform's public base URL: the cards' `iss`; keys at <issuer>/.well-known/jwks.json. */
  issuer: string;
  /**
   * CERTIFICATE_SIGNING_KEYS: a JSON array of private EC P-256 JWKs; the first signs, all are published
   * (rotation). A key may carry `exp` (seconds): after it verifiers treat the key as expired. Without it
   * the service generates one key on first use and keeps it in its database, sealed with the PII key.
   */
  signingKeys?: string;
}

export function loadImmunizationSettings(env: Env = new Env()): ImmunizationSettings {
  const token = env.optional('SATUSEHAT_TOKEN');
  const delivery = env.oneOf('SATUSEHAT_DELIVERY', ['on', 'off'] as const, 'on');
  // The default base URL is the local simulator (`npm start` runs one); production must name the real one.
  if (
    delivery === 'on' &&
    !env.optional('SATUSEHAT_BASE_URL') &&
    env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development') === 'production'
  ) {
    throw new ConfigError(
      'SATUSEHAT_BASE_URL',
      'is required in production (the national record); set SATUSEHAT_DELIVERY=off to run without delivery',
    );
  }
  const timeoutMs = env.int('SATUSEHAT_TIMEOUT_MS', 10_000, 10, 600_000);
  return {
    gatewayUrl: env.url('GATEWAY_URL', 'http://127.0.0.1:4000/graphql'),
    satusehat: {
      delivery,
      stuckAfterMs: env.int('SATUSEHAT_STUCK_AFTER_MS', 120_000, 1, 86_400_000),
      baseUrl: env.url('SATUSEHAT_BASE_URL', 'http://127.0.0.1:4099/fhir-r4/v1').replace(/\/+$/, ''),
      ...(token ? { token } : {}),
      timeoutMs,
      retryBaseMs: env.int('SATUSEHAT_RETRY_BASE_MS', 2_000, 1, 3_600_000),
      retryMaxMs: env.int('SATUSEHAT_RETRY_MAX_MS', 600_000, 1, 86_400_000),
      batchSize: env.int('SATUSEHAT_BATCH', 50, 1, 1000),
      leaseMs: env.int('SATUSEHAT_LEASE_MS', Math.max(60_000, timeoutMs * 3), 100, 3_600_000),
      pollMs: env.int('SATUSEHAT_POLL_MS', 1_000, 10, 600_000),
    },
    organizationId: env.string('SATUSEHAT_ORGANIZATION_ID', '10000004'),
    certificates: {
      issuer: env.url('CERTIFICATE_ISSUER', 'http://localhost:4000').replace(/\/+$/, ''),
      ...(env.optional('CERTIFICATE_SIGNING_KEYS') ? { signingKeys: env.optional('CERTIFICATE_SIGNING_KEYS')! } : {}),
    },
  };
}

const cache = new WeakMap<ServiceConfig, ImmunizationSettings>();
/** Settings from the environment the service config was read from (also in-process test platforms). */
export function immunizationSettings(config: ServiceConfig): ImmunizationSettings {
  let settings = cache.get(config);
  if (!settings) {
    settings = loadImmunizationSettings(config.env ?? new Env());
    cache.set(config, settings);
  }
  return settings;
}

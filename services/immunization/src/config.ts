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
    /** OAuth2 base of SATUSEHAT (`{authUrl}/accesstoken?grant_type=client_credentials`), e.g. https://api-satusehat.kemkes.go.id/oauth2/v1 */
    authUrl: string;
    /** Client credentials (configuration only; required in production). */
    clientId: string;
    clientSecret: string;
    /** A token is renewed this long before it expires. */
    tokenMarginMs: number;
    /**
     * KFA product codes confirmed by the deployment (SATUSEHAT_KFA_CODES="PRODUCT=93xxxxxx;..."): they
     * override the catalogue, whose unconfirmed products are refused (PRODUCT_CODE_UNCONFIRMED).
     */
    kfaOverrides: Map<string, string>;
    /** A visit (person, facility, Jakarta day) ends when its day is over or no dose came for this long: its Encounter is finished. */
    visitCloseMs: number;
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
  pcare: PcareSettings;
}

/** SMART Health Cards (modules/certificate). */
export interface CertificateSettings {
  /** The platform's public base URL: the cards' `iss`; keys at <issuer>/.well-known/jwks.json. */
  issuer: string;
  /**
   * CERTIFICATE_SIGNING_KEYS: a JSON array of private EC P-256 JWKs; the first not expired signs, all are published
   * (rotation). A key may carry `exp` (seconds): after it verifiers treat the key as expired. Without it
   * the service generates one key on first use and keeps it in its database, sealed with the PII key.
   */
  signingKeys?: string;
}

export function loadImmunizationSettings(env: Env = new Env()): ImmunizationSettings {
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
  const production = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development') === 'production';
  if (delivery === 'on' && production) {
    for (const name of ['SATUSEHAT_CLIENT_ID', 'SATUSEHAT_CLIENT_SECRET']) {
      if (!env.optional(name)) throw new ConfigError(name, 'is required in production (OAuth2 client credentials of SATUSEHAT)');
    }
  }
  const timeoutMs = env.int('SATUSEHAT_TIMEOUT_MS', 10_000, 10, 600_000);
  const baseUrl = env.url('SATUSEHAT_BASE_URL', 'http://127.0.0.1:4099/fhir-r4/v1').replace(/\/+$/, '');
  return {
    gatewayUrl: env.url('GATEWAY_URL', 'http://127.0.0.1:4000/graphql'),
    satusehat: {
      delivery,
      stuckAfterMs: env.int('SATUSEHAT_STUCK_AFTER_MS', 120_000, 1, 86_400_000),
      baseUrl,
      // SATUSEHAT serves OAuth2 beside the FHIR base: https://host/oauth2/v1 for https://host/fhir-r4/v1.
      authUrl: env.url('SATUSEHAT_AUTH_URL', `${new URL(baseUrl).origin}/oauth2/v1`).replace(/\/+$/, ''),
      clientId: env.string('SATUSEHAT_CLIENT_ID', 'victori-dev'),
      clientSecret: env.string('SATUSEHAT_CLIENT_SECRET', 'victori-dev-secret'),
      tokenMarginMs: env.int('SATUSEHAT_TOKEN_MARGIN_MS', 60_000, 0, 3_600_000),
      kfaOverrides: kfaOverrides(env),
      visitCloseMs: env.int('SATUSEHAT_VISIT_CLOSE_MS', 30 * 60_000, 0, 86_400_000),
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
    pcare: loadPcareSettings(env),
  };
}

/** BPJS PCare bridging (the second national target): one credential set from configuration. */
export interface PcareSettings {
  /** PCARE_DELIVERY=off: records are queued for PCare but not sent. */
  delivery: 'on' | 'off';
  /** e.g. https://apijkn.bpjs-kesehatan.go.id/pcare-rest */
  baseUrl: string;
  consId: string;
  secretKey: string;
  userKey: string;
  username: string;
  password: string;
  /** kdAplikasi of the X-authorization header (095 for PCare). */
  appCode: string;
  /** Poli (kdPoli) under which an immunization visit is registered. */
  poliCode: string;
  timeoutMs: number;
}

function loadPcareSettings(env: Env): PcareSettings {
  const delivery = env.oneOf('PCARE_DELIVERY', ['on', 'off'] as const, 'on');
  const production = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development') === 'production';
  if (delivery === 'on' && production) {
    for (const name of ['PCARE_BASE_URL', 'PCARE_CONS_ID', 'PCARE_SECRET_KEY', 'PCARE_USER_KEY', 'PCARE_USERNAME', 'PCARE_PASSWORD']) {
      if (!env.optional(name))
        throw new ConfigError(name, 'is required in production for BPJS PCare; set PCARE_DELIVERY=off to run without it');
    }
  }
  return {
    delivery,
    baseUrl: env.url('PCARE_BASE_URL', 'http://127.0.0.1:4098/pcare-rest').replace(/\/+$/, ''),
    consId: env.string('PCARE_CONS_ID', 'victori-dev'),
    secretKey: env.string('PCARE_SECRET_KEY', 'victori-dev-secret'),
    userKey: env.string('PCARE_USER_KEY', 'victori-dev-user-key'),
    username: env.string('PCARE_USERNAME', 'victori-dev'),
    password: env.string('PCARE_PASSWORD', 'victori-dev-password'),
    appCode: env.string('PCARE_APP_CODE', '095'),
    poliCode: env.string('PCARE_POLI_CODE', '020'),
    timeoutMs: env.int('PCARE_TIMEOUT_MS', env.int('SATUSEHAT_TIMEOUT_MS', 10_000, 10, 600_000), 10, 600_000),
  };
}

/** `PRODUCT=CODE;PRODUCT=CODE` (confirmed KFA product codes of the deployment). */
function kfaOverrides(env: Env): Map<string, string> {
  const raw = env.optional('SATUSEHAT_KFA_CODES') ?? '';
  const map = new Map<string, string>();
  for (const part of raw
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [product, code] = part.split('=').map((x) => x.trim());
    if (!product || !code || !/^93\d{6}$/.test(code)) {
      throw new ConfigError('SATUSEHAT_KFA_CODES', 'must be PRODUCT=93xxxxxx entries separated by ;');
    }
    map.set(product, code);
  }
  return map;
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

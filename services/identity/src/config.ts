import { ConfigError, Env, loadRedisSettings, type Mode, type RedisSettings } from '@victori/shared';

export type SmsMode = 'outbox' | 'http';

/** Identity's own settings (IDENTITY_*, JWT_*), beside the shared ServiceConfig. */
export interface IdentityConfig {
  mode: Mode;
  /** PEM (PKCS#8) of the ES256 key the access tokens are signed with; the gateway holds the public half. */
  jwtPrivateKey: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  codeTtlSeconds: number;
  codeMaxTries: number;
  /** A new code for the same phone only after this many seconds. */
  resendAfterSeconds: number;
  /** After the last allowed wrong code, the phone can ask for no new code for this long. */
  lockSeconds: number;
  /** Code requests per client address per hour (many citizens share a carrier NAT address). */
  codesPerIpPerHour: number;
  sms: { mode: SmsMode; url?: string; token?: string; sender: string; timeoutMs: number };
  /** Password of the seeded development admin (never seeded in production). */
  devAdminPassword: string;
  /** REDIS_URL: the limits are counted in Redis, one count for every replica (shared/src/redis.ts). */
  redis?: RedisSettings;
}

export function loadIdentityConfig(env = new Env()): IdentityConfig {
  const mode = env.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const smsMode = env.oneOf('IDENTITY_SMS', ['outbox', 'http'] as const, mode === 'production' ? 'http' : 'outbox');
  // A production platform that "sends" codes into its own database would lock every citizen out silently.
  if (mode === 'production' && smsMode === 'outbox') throw new ConfigError('IDENTITY_SMS', 'must be http in production');
  const url = smsMode === 'http' ? env.url('IDENTITY_SMS_URL') : undefined;
  const pem = env.string('JWT_PRIVATE_KEY').replace(/\\n/g, '\n');
  if (!pem.includes('BEGIN PRIVATE KEY')) throw new ConfigError('JWT_PRIVATE_KEY', 'must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)');
  return {
    mode,
    jwtPrivateKey: pem,
    jwtIssuer: env.string('JWT_ISSUER', 'victori'),
    jwtAudience: env.string('JWT_AUDIENCE', 'victori-api'),
    accessTtlSeconds: env.int('IDENTITY_ACCESS_TTL_S', 15 * 60, 30, 24 * 3600),
    refreshTtlSeconds: env.int('IDENTITY_REFRESH_TTL_DAYS', 30, 1, 365) * 86_400,
    codeTtlSeconds: env.int('IDENTITY_CODE_TTL_S', 5 * 60, 30, 3600),
    codeMaxTries: env.int('IDENTITY_CODE_MAX_TRIES', 5, 1, 20),
    resendAfterSeconds: env.int('IDENTITY_CODE_RESEND_S', 60, 0, 3600),
    lockSeconds: env.int('IDENTITY_CODE_LOCK_S', 15 * 60, 0, 86_400),
    codesPerIpPerHour: env.int('IDENTITY_CODES_PER_IP_PER_HOUR', 30, 0, 1_000_000),
    sms: {
      mode: smsMode,
      url,
      token: env.optional('IDENTITY_SMS_TOKEN'),
      sender: env.string('IDENTITY_SMS_SENDER', 'DINKES SMG'),
      timeoutMs: env.int('IDENTITY_SMS_TIMEOUT_MS', 10_000, 100, 60_000),
    },
    devAdminPassword: env.string('IDENTITY_DEV_ADMIN_PASSWORD', 'admin-dev-password'),
    redis: loadRedisSettings(env),
  };
}

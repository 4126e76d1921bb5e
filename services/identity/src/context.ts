import { PiiVault, runtimeRedis, type BaseContext, type ServiceRuntime } from '@victori/shared';
import { loadIdentityConfig, type IdentityConfig } from './config.js';
import { TokenIssuer } from './modules/session/tokens.js';
import { RateLimiter } from './rate-limit.js';
import { createSmsSender, type SmsSender } from './sms/sms.js';

export interface IdentitySettings {
  config: IdentityConfig;
  vault: PiiVault;
  sms: SmsSender;
  issuer: TokenIssuer;
  limits: { codesPerIp: RateLimiter; passwordPerUsername: RateLimiter };
}

export interface IdentityContext extends BaseContext {
  identity: IdentitySettings;
}

const settings = new WeakMap<ServiceRuntime, IdentitySettings>();

/** Identity's settings, the signer and the limiters, made once per running service. */
export function identitySettings(runtime: ServiceRuntime): IdentitySettings {
  let found = settings.get(runtime);
  if (!found) {
    const config = loadIdentityConfig(runtime.config.env);
    const redis = runtimeRedis(runtime, config.redis);
    found = {
      config,
      vault: new PiiVault(runtime.config.piiKey),
      sms: createSmsSender(config.sms),
      issuer: new TokenIssuer(config.jwtPrivateKey, config.jwtIssuer, config.jwtAudience, config.accessTtlSeconds),
      limits: {
        codesPerIp: new RateLimiter(config.codesPerIpPerHour, 3600_000, redis && { redis, name: 'identity-codes-ip' }),
        // Slows a guesser down without locking the real owner out for long.
        passwordPerUsername: new RateLimiter(10, 15 * 60_000, redis && { redis, name: 'identity-password-user' }),
      },
    };
    settings.set(runtime, found);
  }
  return found;
}

export function createContext(base: BaseContext, runtime: ServiceRuntime): IdentityContext {
  return { ...base, identity: identitySettings(runtime) };
}

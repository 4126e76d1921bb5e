import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_MAX_LIFETIME_S, ensureDevKeyPair, readPem, signToken, type TokenRequest } from '@victori/gateway';
import { ROLES, runMain } from '@victori/shared';
import { LOCAL_DIR } from './local.js';
import { JWT_AUDIENCE, JWT_ISSUER } from './platform.js';

/** `npm run token -- --role health-worker --facility <id> [--sub <account>] [--ttl <seconds>]`: a local dev token. */
runMain(async () => {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, facility: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } },
  });
  const role = values.role as TokenRequest['role'] | undefined;
  if (!role || !(ROLES as readonly string[]).includes(role) || (role as string) === 'anonymous') {
    throw new Error(`--role must be one of ${ROLES.filter((r) => r !== 'anonymous').join(', ')}`);
  }
  if (role === 'health-worker' && !values.facility) throw new Error('--facility <id> is required for a health-worker token');
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  // The gateway refuses tokens that live longer than GATEWAY_JWT_MAX_LIFETIME_S (default 24 h).
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > DEFAULT_JWT_MAX_LIFETIME_S)) {
    throw new Error(`--ttl must be 1 to ${DEFAULT_JWT_MAX_LIFETIME_S} seconds`);
  }
  const keys = await ensureDevKeyPair(path.join(LOCAL_DIR, 'keys'));
  const token = await signToken(readPem(keys.privateKeyFile), JWT_ISSUER, JWT_AUDIENCE, {
    role,
    sub: values.sub ?? `${role}-dev`,
    ...(values.facility ? { facilityId: values.facility } : {}),
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
});
